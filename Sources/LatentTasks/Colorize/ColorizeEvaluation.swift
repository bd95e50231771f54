import Foundation
import LatentImage

/// How a colorizer does on colour photos: each is reduced to its BT.601 luma on the 8-bit grid
/// (the "8-bit gray PNG" input of the colorization literature), colorized, and compared with the
/// original — PSNR in RGB on the 8-bit grid, against the gray image itself as the baseline a
/// colorizer must beat — and the colourfulness (Hasler & Süsstrunk 2003) of both, since PSNR
/// alone rewards the desaturated mean.
public struct ColorizeEvaluation: Codable {
    public struct Entry: Codable {
        public var path: String
        public var psnr: Double
        public var grayPSNR: Double
        public var colorfulness: Double
        public var originalColorfulness: Double
    }
    public var entries: [Entry]

    private func mean(_ key: KeyPath<Entry, Double>) -> Double {
        entries.map { $0[keyPath: key] }.reduce(0, +) / Double(max(entries.count, 1))
    }
    public var meanPSNR: Double { mean(\.psnr) }
    public var meanGrayPSNR: Double { mean(\.grayPSNR) }
    public var meanColorfulness: Double { mean(\.colorfulness) }
    public var meanOriginalColorfulness: Double { mean(\.originalColorfulness) }
    /// Mean output colourfulness over mean original colourfulness.
    public var colorfulnessRatio: Double { meanColorfulness / max(meanOriginalColorfulness, 1e-12) }

    /// The 8-bit BT.601 luma of RGB planes [3, n], as [n] in [0, 1].
    public static func eightBitLuma(_ rgb: [Float]) -> [Float] {
        let n = rgb.count / 3
        var gray = [Float](repeating: 0, count: n)
        rgb.withUnsafeBufferPointer { src in gray.withUnsafeMutableBufferPointer { ColorSpace.rgbToGray(src, into: $0, pixelCount: n) } }
        return gray.map { Float(PSNR.quantize($0)) / 255 }
    }

    /// images: RGB. With `saveGrayTo`, the gray inputs are written there as 8-bit PNGs
    /// (`<stem>.png`), so other colorizers can be measured on the very same inputs.
    public static func run(_ colorizer: Colorizer, images: TrainingImages, saveGrayTo: String? = nil) throws -> ColorizeEvaluation {
        var entries: [Entry] = []
        for (k, image) in images.images.enumerated() {
            precondition(image.layout == .rgb, "colorize evaluation needs RGB images")
            let gray = eightBitLuma(image.samples)
            if let folder = saveGrayTo {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                let stem = ((images.paths[k] as NSString).lastPathComponent as NSString).deletingPathExtension
                try image.replacing(layout: .gray, samples: gray)
                    .write(to: "\(folder)/\(stem).png", format: .png, options: ImageWriteOptions(pngBitDepth: 8))
            }
            let output = gray.withUnsafeBufferPointer { colorizer.colorize(gray: $0, width: image.width, height: image.height) }
            entries.append(Entry(
                path: images.paths[k],
                psnr: PSNR.eightBit(output, image.samples),
                grayPSNR: PSNR.eightBit(gray + gray + gray, image.samples),
                colorfulness: Colorfulness.hasler(output),
                originalColorfulness: Colorfulness.hasler(image.samples)))
        }
        return ColorizeEvaluation(entries: entries)
    }
}
