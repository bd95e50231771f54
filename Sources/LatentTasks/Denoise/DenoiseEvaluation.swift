import Foundation
import LatentImage
import LatentTensor

/// Mean PSNR/SSIM of a denoiser on a folder at one noise level, with noise drawn from a fixed
/// seed per image (image k uses seed + k), so numbers are reproducible and comparable.
public struct DenoiseEvaluation: Codable {
    public struct Entry: Codable {
        public var path: String
        public var noisyPSNR: Double
        public var psnr: Double
        public var ssim: Double
    }
    public var sigma: Float
    public var entries: [Entry]
    public var meanPSNR: Double { entries.map(\.psnr).reduce(0, +) / Double(max(entries.count, 1)) }
    public var meanSSIM: Double { entries.map(\.ssim).reduce(0, +) / Double(max(entries.count, 1)) }
    public var meanNoisyPSNR: Double { entries.map(\.noisyPSNR).reduce(0, +) / Double(max(entries.count, 1)) }

    /// With `saveNoisyTo`, the noisy inputs are also written there as 8-bit PNGs (the noise is on
    /// the 8-bit grid, so they are exact), so that other denoisers (e.g. CBM3D) can be measured on
    /// the very same inputs.
    public static func run(_ denoiser: Denoiser, images: TrainingImages, sigma: Float, seed: UInt64 = 0,
                           computeSSIM: Bool = true, saveNoisyTo: String? = nil) throws -> DenoiseEvaluation {
        var entries: [Entry] = []
        for (k, image) in images.images.enumerated() {
            var rng = RandomSource(seed: seed &+ UInt64(k))
            let clean = Tensor(image.samples, shape: image.shape)
            let noisy = GaussianNoise.apply(clean, sigmas: [sigma], using: &rng).toArray()
            if let folder = saveNoisyTo {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                let stem = ((images.paths[k] as NSString).lastPathComponent as NSString).deletingPathExtension
                try image.replacing(samples: noisy).write(to: "\(folder)/\(stem)_sigma\(Int(sigma)).png", format: .png,
                                                          options: ImageWriteOptions(pngBitDepth: 8))
            }
            let output = noisy.withUnsafeBufferPointer {
                denoiser.denoise(planes: $0, width: image.width, height: image.height)
            }
            entries.append(Entry(
                path: images.paths[k],
                noisyPSNR: PSNR.eightBit(noisy, image.samples),
                psnr: PSNR.eightBit(output, image.samples),
                ssim: computeSSIM ? SSIM.eightBit(output, image.samples, channels: image.channelCount,
                                                  width: image.width, height: image.height) : .nan))
        }
        return DenoiseEvaluation(sigma: sigma, entries: entries)
    }
}
