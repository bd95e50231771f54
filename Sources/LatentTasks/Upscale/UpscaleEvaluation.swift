import Foundation
import LatentImage

/// Mean luma PSNR of an upscaler on a folder of high-resolution originals, next to plain bicubic
/// on the very same low-resolution inputs (made by `SuperResolutionDegradation`), measured as the
/// super-resolution literature does (`PSNR.superResolutionLuma`, `scale` pixels of border cropped).
public struct UpscaleEvaluation: Codable {
    public struct Entry: Codable {
        public var path: String
        public var psnr: Double
        public var bicubicPSNR: Double
    }
    public var scale: Int
    public var entries: [Entry]
    /// Images too small for this scale (no pixels left after the border crop).
    public var skipped: [String] = []
    public var meanPSNR: Double { entries.map(\.psnr).reduce(0, +) / Double(max(entries.count, 1)) }
    public var meanBicubicPSNR: Double { entries.map(\.bicubicPSNR).reduce(0, +) / Double(max(entries.count, 1)) }

    /// - Parameters:
    ///   - model: an upscaler or chain reaching `scale`; it runs through the same task as
    ///     `latent upscale` (tiles, luma with bicubic chroma for 1-channel models).
    ///   - images: the originals (gray or RGB); images too small to leave pixels after the border
    ///     crop are skipped.
    ///   - saveTo: with a folder, the low-resolution inputs, the bicubic and the model's outputs
    ///     are written there as 8-bit PNGs (`<name>_lr.png`, `_bicubic.png`, `_x<scale>.png`).
    public static func run(_ model: PlaneModel, images: TrainingImages, scale: Int,
                           activationBudget: Int = 256 << 20, saveTo: String? = nil) throws -> UpscaleEvaluation {
        guard model.tileRequirements.scale == scale else {
            throw TaskError.invalidOption("the model upscales ×\(model.tileRequirements.scale), the evaluation asks for ×\(scale)")
        }
        let task = UpscaleBatch.task(model, tileSize: nil, activationBudget: activationBudget)
        var entries: [Entry] = [], skipped: [String] = []
        for (k, original) in images.images.enumerated() {
            let reference = SuperResolutionDegradation.cropToMultiple(original, of: scale)
            guard reference.width > 2 * scale, reference.height > 2 * scale else { skipped.append(images.paths[k]); continue }
            let input = SuperResolutionDegradation.lowResolution(reference, scale: scale)
            guard case .image(let output) = try task.process(input, progress: { _ in }) else {
                throw TaskError.invalidOption("the upscale task returned no image")
            }
            var bicubic = input.resized(width: reference.width, height: reference.height)
            bicubic = bicubic.replacing(samples: bicubic.samples.map { min(max($0, 0), 1) })
            if let folder = saveTo {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                let stem = folder + "/" + ((images.paths[k] as NSString).lastPathComponent as NSString).deletingPathExtension
                let eightBit = ImageWriteOptions(pngBitDepth: 8)
                try input.write(to: stem + "_lr.png", format: .png, options: eightBit)
                try bicubic.write(to: stem + "_bicubic.png", format: .png, options: eightBit)
                try output.write(to: stem + "_x\(scale).png", format: .png, options: eightBit)
            }
            entries.append(Entry(path: images.paths[k],
                                 psnr: PSNR.superResolutionLuma(output, reference, border: scale),
                                 bicubicPSNR: PSNR.superResolutionLuma(bicubic, reference, border: scale)))
        }
        guard !entries.isEmpty else { throw TaskError.invalidOption("no image is large enough to evaluate ×\(scale)") }
        return UpscaleEvaluation(scale: scale, entries: entries, skipped: skipped)
    }
}
