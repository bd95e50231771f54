import Foundation
import LatentImage

/// Rate and distortion of a codec on a folder, from real files: the `.lat` bytes (header
/// included) per pixel, PSNR and MS-SSIM of the decoded image against the original (both on
/// the 8-bit grid, RGB), and, on the same images, baseline JPEG (libjpeg-turbo, 4:2:0, no
/// metadata) at the quality whose file size is closest to the `.lat` file's.
public struct CompressEvaluation: Codable {
    public struct Entry: Codable {
        public var path: String
        public var width: Int
        public var height: Int
        public var bytes: Int
        public var bpp: Double
        public var psnr: Double
        public var msssim: Double?
        public var encodeSeconds: Double
        public var decodeSeconds: Double
        public var jpeg: JPEGPoint?
    }

    /// JPEG at the matched rate.
    public struct JPEGPoint: Codable {
        public var quality: Int
        public var bytes: Int
        public var bpp: Double
        public var psnr: Double
        public var msssim: Double?
    }

    public var entries: [Entry]

    public var meanBPP: Double { mean(entries.map(\.bpp)) }
    public var meanPSNR: Double { mean(entries.map(\.psnr)) }
    public var meanMSSSIM: Double? { optionalMean(entries.map(\.msssim)) }
    public var meanJPEGBPP: Double? { optionalMean(entries.map { $0.jpeg?.bpp }) }
    public var meanJPEGPSNR: Double? { optionalMean(entries.map { $0.jpeg?.psnr }) }
    public var meanJPEGMSSSIM: Double? { optionalMean(entries.map { $0.jpeg?.msssim }) }
    /// Megapixels per second over all images, encoding and decoding separately.
    public var encodeMegapixelsPerSecond: Double { megapixels / max(entries.map(\.encodeSeconds).reduce(0, +), 1e-9) }
    public var decodeMegapixelsPerSecond: Double { megapixels / max(entries.map(\.decodeSeconds).reduce(0, +), 1e-9) }
    var megapixels: Double { entries.map { Double($0.width * $0.height) / 1e6 }.reduce(0, +) }

    private func mean(_ v: [Double]) -> Double { v.reduce(0, +) / Double(max(v.count, 1)) }
    private func optionalMean(_ v: [Double?]) -> Double? {
        let present = v.compactMap { $0 }.filter { !$0.isNaN }
        return present.isEmpty || present.count != v.count ? nil : mean(present)
    }

    /// - Parameters:
    ///   - computeMSSSIM: MS-SSIM for images of at least `MSSSIM.minimumSide` pixels a side.
    ///   - compareJPEG: also measure JPEG at the matched rate.
    public static func run(_ codec: LatentCodec, images: TrainingImages, computeMSSSIM: Bool = true,
                           compareJPEG: Bool = true) throws -> CompressEvaluation {
        var entries: [Entry] = []
        for (k, original) in images.images.enumerated() {
            var image = original
            image.iccProfile = nil
            image.sourceBitDepth = 8
            let (w, h) = (image.width, image.height)
            let pixels = Double(w * h)
            let t0 = Date()
            let bytes = try codec.encode(image)
            let t1 = Date()
            let decoded = try codec.decode(bytes, source: images.paths[k])
            let t2 = Date()
            let reference = image.rgb().samples
            let output = decoded.rgb().samples
            func msssim(_ samples: [Float]) -> Double? {
                computeMSSSIM ? MSSSIM.eightBit(samples, reference, channels: 3, width: w, height: h) : nil
            }
            var jpeg: JPEGPoint?
            if compareJPEG {
                let (quality, jpegBytes) = try matchedJPEG(image, targetBytes: bytes.count)
                let back = try Image.decode(jpegBytes).rgb().samples
                jpeg = JPEGPoint(quality: quality, bytes: jpegBytes.count, bpp: Double(jpegBytes.count * 8) / pixels,
                                 psnr: PSNR.eightBit(back, reference), msssim: msssim(back))
            }
            entries.append(Entry(path: images.paths[k], width: w, height: h, bytes: bytes.count,
                                 bpp: Double(bytes.count * 8) / pixels, psnr: PSNR.eightBit(output, reference),
                                 msssim: msssim(output), encodeSeconds: t1.timeIntervalSince(t0),
                                 decodeSeconds: t2.timeIntervalSince(t1), jpeg: jpeg))
        }
        return CompressEvaluation(entries: entries)
    }

    /// The JPEG quality (1–100, 4:2:0, baseline) whose file is closest in size to `targetBytes`
    /// (the smaller file on a tie), and its bytes. Sizes grow with quality, so a bisection finds
    /// the largest quality not above the target, and its neighbour is the other candidate.
    public static func matchedJPEG(_ image: Image, targetBytes: Int) throws -> (quality: Int, bytes: [UInt8]) {
        var cache: [Int: [UInt8]] = [:]
        func encoded(_ q: Int) throws -> [UInt8] {
            if let b = cache[q] { return b }
            let b = try JPEGCodec.encode(image, options: JPEGCodec.EncodingOptions(quality: q, subsampling: .s420))
            cache[q] = b
            return b
        }
        var lo = 1, hi = 100
        if try encoded(1).count >= targetBytes { return (1, try encoded(1)) }
        while hi - lo > 1 {  // invariant: size(lo) < target ≤ size(hi) unless hi = 100
            let mid = (lo + hi) / 2
            if try encoded(mid).count < targetBytes { lo = mid } else { hi = mid }
        }
        let (below, above) = (try encoded(lo), try encoded(hi))
        if above.count < targetBytes { return (hi, above) }
        return targetBytes - below.count <= above.count - targetBytes ? (lo, below) : (hi, above)
    }
}
