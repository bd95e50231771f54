import ArgumentParser
import Foundation
import LatentTasks

struct EvalDenoiseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "denoise",
        abstract: "Mean PSNR and SSIM of a denoiser on clean images with seeded Gaussian noise.")

    @OptionGroup var engine: EngineOptions

    @Option(help: "Model name or path.") var model: String
    @Option(help: "Folder of clean images.") var data: String
    @Option(help: "Noise levels σ (0–255 scale), comma-separated.") var sigma: String = "25"
    @Option(help: "Noise seed (image k uses seed + k).") var seed: UInt64 = 0
    @Option(help: "Also write the noisy inputs here as PNGs (to measure other denoisers on the same inputs).") var saveNoisy: String?
    @Flag(help: "Average the model over the 8 flips and rotations of each tile, as `latent denoise --ensemble`.") var ensemble = false
    @Flag(help: "Print JSON: one object per image and σ, then one summary per σ.") var json = false

    func sigmas() throws -> [Float] {
        let values = sigma.split(separator: ",").compactMap { Float($0) }
        guard !values.isEmpty, values.allSatisfy({ $0 >= 0 }) else { throw ValidationError("--sigma takes non-negative numbers, e.g. 15,25,50") }
        return values
    }

    func validate() throws { _ = try sigmas() }

    func run() throws {
        engine.apply()
        let denoiser = try Denoiser(modelPath: ModelLocator.resolve(model))
        denoiser.selfEnsemble = ensemble
        let images = try TrainingImages(folder: data, channels: denoiser.channels)
        for s in images.skipped { FileHandle.standardError.write(Data("skipped \(s.path): \(s.reason)\n".utf8)) }
        for sigma in try sigmas() {
            let result = try DenoiseEvaluation.run(denoiser, images: images, sigma: sigma, seed: seed, saveNoisyTo: saveNoisy)
            if json {
                for e in result.entries {
                    print(JSONLine.encode(["image": .string(e.path), "sigma": .number(Double(sigma)), "psnr": .number(e.psnr),
                                           "ssim": .number(e.ssim), "noisy_psnr": .number(e.noisyPSNR)]))
                }
                print(JSONLine.encode(["model": .string(model), "data": .string(data), "sigma": .number(Double(sigma)),
                                       "images": .number(Double(result.entries.count)), "mean_psnr": .number(result.meanPSNR),
                                       "mean_ssim": .number(result.meanSSIM), "mean_noisy_psnr": .number(result.meanNoisyPSNR),
                                       "self_ensemble": .bool(ensemble)]))
            } else {
                for e in result.entries {
                    print((e.path as NSString).lastPathComponent + String(format: "  σ=%g  PSNR %.2f dB  SSIM %.4f  (noisy %.2f dB)",
                                 sigma, e.psnr, e.ssim, e.noisyPSNR))
                }
                print(String(format: "mean over %d images at σ=%g: PSNR %.3f dB, SSIM %.4f (noisy %.2f dB)",
                             result.entries.count, sigma, result.meanPSNR, result.meanSSIM, result.meanNoisyPSNR))
            }
        }
    }
}
