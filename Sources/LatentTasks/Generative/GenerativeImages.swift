import Foundation
import LatentImage
import LatentTensor

/// Every image of a folder tree, brought to one square size and channel count, for the
/// generative models (whole images, no patches).
///
/// Each image is made model-ready once, on load: transparency composited on white (emoji),
/// converted to gray or RGB, padded with white to a square when it is not one (136×128 emoji
/// become 136×136, keeping their aspect), and resized with antialiased bicubic when its side
/// differs from `size`. The results are kept as 8-bit samples, a quarter of the memory of
/// floats (28k faces at 48×48: 65 MB) and exact for 8-bit sources.
public struct GenerativeImages {
    public let size: Int
    public let channels: Int
    public private(set) var paths: [String] = []
    public private(set) var skipped: [(path: String, reason: String)] = []
    private var samples: [UInt8] = []

    public var count: Int { paths.count }
    public var valuesPerImage: Int { channels * size * size }

    /// Loads every PNG/JPEG under `folder` (recursively, sorted by path), or only one part of
    /// it when `split` is given.
    public init(folder: String, channels: Int, size: Int, limit: Int? = nil, split: HoldOutSplit? = nil) throws {
        precondition((channels == 1 || channels == 3) && size > 0, "channels must be 1 or 3 and size positive")
        self.size = size
        self.channels = channels
        var files = try ImageFiles.list(folder, recursive: true)
        if let split { files = split.select(files) }
        guard !files.isEmpty else { throw TaskError.noImages(folder) }
        if let limit { files = Array(files.prefix(limit)) }
        samples.reserveCapacity(files.count * valuesPerImage)
        for path in files {
            do {
                let values = try GenerativeImages.prepare(Image(contentsOf: path), channels: channels, size: size)
                samples += values.map { UInt8(($0 * 255).rounded()) }
                paths.append(path)
            } catch {
                skipped.append((path, "\(error)"))
            }
        }
        guard !paths.isEmpty else { throw TaskError.noImages(folder) }
    }

    /// The channel count a folder's images suggest: 1 when its first image is gray, else 3.
    public static func naturalChannels(of folder: String) throws -> Int {
        guard let first = try ImageFiles.list(folder, recursive: true).first else { throw TaskError.noImages(folder) }
        return try ImageHeader(contentsOf: first).layout.colorChannelCount == 1 ? 1 : 3
    }

    /// One image made model-ready (see the type's comment): CHW samples in [0, 1],
    /// `channels × size × size` of them.
    public static func prepare(_ image: Image, channels: Int, size: Int) -> [Float] {
        var (color, alpha) = image.splittingAlpha()
        if let alpha {
            // Straight alpha over white: c·a + 1·(1 − a).
            let n = color.pixelCount
            let composited = color.samples.enumerated().map { k, c in c * alpha[k % n] + (1 - alpha[k % n]) }
            color = color.replacing(samples: composited)
        }
        var converted = channels == 1 ? color.grayscale() : color.rgb()
        if converted.width != converted.height { converted = paddedToSquare(converted, fill: 1) }
        if converted.width != size { converted = converted.resized(width: size, height: size) }
        return converted.samples.map { min(max($0, 0), 1) }
    }

    /// `image` centred on a square canvas of its longer side, filled with `fill`.
    static func paddedToSquare(_ image: Image, fill: Float) -> Image {
        let side = max(image.width, image.height)
        let (x0, y0) = ((side - image.width) / 2, (side - image.height) / 2)
        var out = [Float](repeating: fill, count: image.channelCount * side * side)
        for c in 0..<image.channelCount {
            for y in 0..<image.height {
                for x in 0..<image.width {
                    out[(c * side + y0 + y) * side + x0 + x] = image.samples[(c * image.height + y) * image.width + x]
                }
            }
        }
        return image.replacing(width: side, height: side, samples: out)
    }

    /// Image `index` as floats in [0, 1], CHW.
    public func values(_ index: Int) -> [Float] {
        let start = index * valuesPerImage
        return samples[start..<start + valuesPerImage].map { Float($0) * (1 / 255) }
    }

    /// Images `indices` as a batch [N, C, S, S] in [0, 1], in order and unflipped (evaluation).
    public func batch(_ indices: [Int]) -> Tensor {
        let out = Tensor.empty([indices.count, channels, size, size])
        let per = valuesPerImage
        out.withUnsafeMutableBufferPointer { dst in
            for (n, index) in indices.enumerated() {
                for k in 0..<per { dst[n * per + k] = Float(samples[index * per + k]) * (1 / 255) }
            }
        }
        return out
    }

    /// A random training batch [N, C, S, S] in [0, 1]: images drawn with replacement, each
    /// mirrored left–right with probability ½. Draws from `rng` in a fixed order (index, then
    /// flip), so a resumed run that restores the generator's state sees the same batches.
    public func randomBatch(_ count: Int, using rng: inout RandomSource) -> Tensor {
        let out = Tensor.empty([count, channels, size, size])
        let (per, s) = (valuesPerImage, size)
        out.withUnsafeMutableBufferPointer { dst in
            for n in 0..<count {
                let index = rng.index(below: paths.count)
                let flip = rng.index(below: 2) == 1
                for row in 0..<channels * s {
                    let source = index * per + row * s, target = n * per + row * s
                    for x in 0..<s {
                        dst[target + x] = Float(samples[source + (flip ? s - 1 - x : x)]) * (1 / 255)
                    }
                }
            }
        }
        return out
    }
}
