import ArgumentParser
import Foundation
import LatentTasks

struct AttributeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attribute",
        abstract: "Find a latent attribute vector (mean code of --to minus mean code of --from) and apply it to images.",
        discussion: """
        E.g. --from faces48/test/neutral --to faces48/test/happy gives a "smile" direction. With --apply, \
        each image is encoded, moved by --strength × the direction, decoded and written to -o (a .png \
        path for one image, else a folder). Without --apply, the direction is written to -o as a \
        safetensors file (tensor "direction", [latent]). Needs an encoder: vae or ae models.
        """)

    @OptionGroup var engine: EngineOptions
    @Option(help: "Model name or path (vae or ae).") var model: String
    @Option(help: "Folder of images without the attribute.") var from: String
    @Option(help: "Folder of images with the attribute.") var to: String
    @Option(parsing: .upToNextOption, help: "Images to move along the direction.") var apply: [String] = []
    @Option(help: "Multiple of the direction to add (negative removes the attribute).") var strength: Float = 1
    @Option(name: .shortAndLong, help: "Output: PNG or folder with --apply, else a .safetensors file.") var output: String

    func run() throws {
        engine.apply()
        do {
            let loaded = try GenerativeModel(modelPath: ModelLocator.resolve(model))
            let direction = try AttributeDirection.compute(loaded, from: from, to: to)
            let norm = direction.vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
            FileHandle.standardError.write(Data(String(format: "latent attribute: %d → %d images, direction norm %.3f\n",
                                                       direction.fromCount, direction.toCount, norm).utf8))
            guard !apply.isEmpty else {
                try direction.save(to: output, metadata: ["latent.attribute.model": model, "latent.attribute.from": from,
                                                          "latent.attribute.to": to])
                return
            }
            let images = try direction.apply(loaded, to: apply, strength: strength)
            if apply.count == 1 && output.lowercased().hasSuffix(".png") {
                try images[0].write(to: output, format: .png)
            } else {
                try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
                for (path, image) in zip(apply, images) {
                    let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension + ".png"
                    try image.write(to: (output as NSString).appendingPathComponent(name), format: .png)
                }
            }
        } catch let error as TaskError {
            FileHandle.standardError.write(Data("latent: \(error)\n".utf8)); throw ExitCode(1)
        }
    }
}
