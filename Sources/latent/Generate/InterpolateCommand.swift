import ArgumentParser
import Foundation
import LatentTasks

struct InterpolateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "interpolate",
        abstract: "Walk the latent space between two points and write the decoded steps as one strip PNG.",
        discussion: """
        VAE/AE: A and B are images, encoded to their posterior means. GAN: A and B are seeds (the first \
        code `latent generate --seed A` would draw). Gaussian latents (VAE, GAN) are walked along the \
        great circle (slerp); a plain autoencoder's, which follow no known distribution, along the line.
        """)

    @OptionGroup var engine: EngineOptions
    @Option(help: "Model name or path.") var model: String
    @Argument(help: "Start: an image (vae/ae) or a seed (gan).") var a: String
    @Argument(help: "End: an image (vae/ae) or a seed (gan).") var b: String
    @Option(help: "Images in the strip, both ends included.") var steps: Int = 8
    @Option(name: .shortAndLong, help: "Output PNG.") var output: String

    func validate() throws {
        guard steps >= 2 else { throw ValidationError("--steps must be at least 2") }
    }

    func run() throws {
        engine.apply()
        do {
            let loaded = try GenerativeModel(modelPath: ModelLocator.resolve(model))
            func end(_ text: String) throws -> LatentInterpolation.EndPoint {
                if case .gan = loaded.network {
                    guard let seed = UInt64(text) else { throw ValidationError("a GAN interpolates between seeds: \(text) is not one") }
                    return .seed(seed)
                }
                return .image(text)
            }
            let strip = try LatentInterpolation.strip(loaded, from: end(a), to: end(b), steps: steps)
            try strip.write(to: output, format: .png)
        } catch let error as TaskError {
            FileHandle.standardError.write(Data("latent: \(error)\n".utf8)); throw ExitCode(1)
        }
    }
}
