import ArgumentParser
import Foundation
import LatentTasks

struct ReconstructCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconstruct",
        abstract: "Encode and decode images with a VAE or autoencoder (posterior mean, no sampling).",
        discussion: "Inputs are brought to the model's size and channels as in training; outputs are <folder>/<name>.png.")

    @OptionGroup var engine: EngineOptions
    @Option(help: "Model name or path (vae or ae).") var model: String
    @Argument(help: "Images to reconstruct.") var images: [String]
    @Option(name: .shortAndLong, help: "Output folder.") var output: String

    func run() throws {
        engine.apply()
        do {
            let loaded = try GenerativeModel(modelPath: ModelLocator.resolve(model))
            try Reconstruction.run(loaded, images: images, to: output)
        } catch let error as TaskError {
            FileHandle.standardError.write(Data("latent: \(error)\n".utf8)); throw ExitCode(1)
        }
    }
}
