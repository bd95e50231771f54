import ArgumentParser
import Foundation
import LatentTasks

struct EvalVAECommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vae",
        abstract: "Test-set negative ELBO of a VAE, in nats per image and bits per dimension.",
        discussion: """
        Single-sample ELBO (one z per image, no importance weighting) with a fixed seed. Two likelihoods \
        on [0, 1] pixels: Bernoulli (the training loss; a cross-entropy for gray levels, not a normalised \
        density) and continuous Bernoulli (its normalised version on [0, 1]). See docs/model-format.md.
        """)

    @OptionGroup var engine: EngineOptions
    @Option(help: "Model name or path (kind vae).") var model: String
    @Option(help: "Folder tree of test images.") var data: String
    @Option(help: "Measure only the images that `latent train … --hold-out K` kept out of training (every K-th of --data).") var holdOut: Int?
    @Option(help: "Seed of the posterior samples.") var seed: UInt64 = 0
    @Flag(help: "Print one JSON object.") var json = false

    func validate() throws {
        if let holdOut, holdOut < 2 { throw ValidationError("--hold-out must be at least 2") }
    }

    func run() throws {
        engine.apply()
        do {
            let loaded = try GenerativeModel(modelPath: ModelLocator.resolve(model))
            let vae = try loaded.requireEncoder(for: "be evaluated by its ELBO")
            let images = try GenerativeImages(folder: data, channels: loaded.channels, size: loaded.imageSize,
                                             split: holdOut.map { HoldOutSplit(every: $0, part: .heldOut) })
            let r = try VAEEvaluation.run(vae, images: images, seed: seed)
            if json {
                print(JSONLine.encode([
                    "model": .string(model), "data": .string(data), "hold_out": holdOut.map { .number(Double($0)) } ?? .null, "images": .number(Double(r.images)),
                    "dimensions": .number(Double(r.dimensions)), "seed": .number(Double(seed)),
                    "negative_elbo_nats": .number(r.negativeELBO), "bits_per_dim": .number(r.bitsPerDimension),
                    "reconstruction_nats": .number(r.reconstruction), "kl_nats": .number(r.kl),
                    "cb_negative_elbo_nats": .number(r.continuousBernoulliNegativeELBO),
                    "cb_bits_per_dim": .number(r.continuousBernoulliBitsPerDimension),
                ]))
            } else {
                print(String(format: "%d images, %d dimensions each (seed %llu)", r.images, r.dimensions, seed))
                print(String(format: "Bernoulli:            −ELBO %.2f nats/image = %.4f bits/dim  (reconstruction %.2f + KL %.2f)",
                             r.negativeELBO, r.bitsPerDimension, r.reconstruction, r.kl))
                print(String(format: "continuous Bernoulli: −ELBO %.2f nats/image = %.4f bits/dim",
                             r.continuousBernoulliNegativeELBO, r.continuousBernoulliBitsPerDimension))
            }
        } catch let error as TaskError {
            FileHandle.standardError.write(Data("latent: \(error)\n".utf8)); throw ExitCode(1)
        }
    }
}
