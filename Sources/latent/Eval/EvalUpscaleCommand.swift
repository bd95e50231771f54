import ArgumentParser
import Foundation
import LatentTasks

struct EvalUpscaleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upscale",
        abstract: "Mean luma PSNR of an upscaler on high-resolution images, next to bicubic.",
        discussion: """
        Each image is cropped to a multiple of --scale and downscaled (antialiased bicubic, 8-bit), \
        then upscaled by the model (exactly as `latent upscale` does) and by plain bicubic. PSNR is \
        on BT.601 studio-range luma of the 8-bit results with --scale pixels cropped from each \
        border, as the super-resolution literature reports it.
        """)

    @OptionGroup var engine: EngineOptions

    @Option(help: "Model name or path (a ×2 model with --scale 4 runs twice).") var model: String
    @Option(help: "Folder of high-resolution images.") var data: String
    @Option(help: "Output pixels per input pixel along each side.") var scale: Int = 2
    @Option(help: "Also write the low-resolution inputs, bicubic and model outputs here as PNGs.") var save: String?
    @Flag(help: "Print JSON: one object per image, then a summary.") var json = false

    func validate() throws {
        guard (2...8).contains(scale) else { throw ValidationError("--scale must be 2…8") }
    }

    func run() throws {
        engine.apply()
        let upscaler = try Upscaler(modelPath: ModelLocator.resolve(model))
        let images = try TrainingImages(folder: data, channels: 3)
        for s in images.skipped { FileHandle.standardError.write(Data("skipped \(s.path): \(s.reason)\n".utf8)) }
        let planeModel = try UpscaleBatch.model(upscaler, scale: scale)
        let result = try UpscaleEvaluation.run(planeModel, images: images, scale: scale, saveTo: save)
        for path in result.skipped { FileHandle.standardError.write(Data("skipped \(path): too small for ×\(scale)\n".utf8)) }
        let passes = (planeModel as? UpscalerChain)?.stages.count ?? 1
        if json {
            for e in result.entries {
                print(JSONLine.encode(["image": .string(e.path), "scale": .number(Double(scale)), "psnr": .number(e.psnr),
                                       "bicubic_psnr": .number(e.bicubicPSNR)]))
            }
            print(JSONLine.encode(["model": .string(model), "data": .string(data), "scale": .number(Double(scale)),
                                   "passes": .number(Double(passes)), "images": .number(Double(result.entries.count)),
                                   "mean_psnr": .number(result.meanPSNR), "mean_bicubic_psnr": .number(result.meanBicubicPSNR)]))
        } else {
            for e in result.entries {
                print((e.path as NSString).lastPathComponent + String(format: "  ×%d  PSNR %.2f dB  (bicubic %.2f dB)", scale, e.psnr, e.bicubicPSNR))
            }
            print(String(format: "mean over %d images at ×%d%@: luma PSNR %.3f dB, bicubic %.3f dB, gain %+.3f dB",
                         result.entries.count, scale, passes > 1 ? " (×\(upscaler.scale) model, \(passes) passes)" : "",
                         result.meanPSNR, result.meanBicubicPSNR, result.meanPSNR - result.meanBicubicPSNR))
        }
    }
}
