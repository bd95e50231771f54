import ArgumentParser
import Foundation
import LatentTasks

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Draw images from a VAE or GAN: one grid PNG, or one PNG per sample in a folder.",
        discussion: """
        Codes z ~ N(0, T²·I) from --seed; the same seed gives byte-identical images whatever --threads. \
        -o x.png writes one grid (--grid RxC, or the squarest grid for --count, 64 by default) with a \
        2-pixel white gutter; -o DIR writes --count PNGs at the model's size (sample-0000.png, …). \
        Sample k is the same for every --count, so a large grid can be browsed with a small one.
        """)

    @OptionGroup var engine: EngineOptions
    @Option(help: "Model name or path (kind vae, ae or gan).") var model: String
    @Option(help: "Number of images.") var count: Int?
    @Option(help: "Grid rows × columns, e.g. 8x8 (with -o FILE.png).") var grid: String?
    @Option(help: "Random seed of the codes.") var seed: UInt64 = 0
    @Option(help: "Standard deviation T of the codes: < 1 trades variety for typical images.") var temperature: Float = 1
    @Option(name: .shortAndLong, help: "A .png file (grid) or a folder (one file per image).") var output: String

    func run() throws {
        engine.apply()
        do {
            let target = try GenerativeSampling.output(path: output, count: count, grid: grid)
            let loaded = try GenerativeModel(modelPath: ModelLocator.resolve(model))
            let written = try GenerativeSampling.run(loaded, output: target, seed: seed, temperature: temperature)
            FileHandle.standardError.write(Data("latent generate: wrote \(written.count == 1 ? written[0] : "\(written.count) images to \(output)")\n".utf8))
        } catch let error as TaskError {
            FileHandle.standardError.write(Data("latent: \(error)\n".utf8)); throw ExitCode(1)
        }
    }
}
