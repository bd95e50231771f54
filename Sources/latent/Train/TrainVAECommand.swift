import ArgumentParser
import LatentTasks

struct TrainVAECommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vae",
        abstract: "Train a convolutional variational autoencoder (Bernoulli decoder, β-weighted KL).",
        discussion: """
        Loss per image: Σ BCE(decoder logits, pixels) + β·KL(q(z|x) ‖ N(0, I)); Adam (lr 1e-3). \
        Whole images with random left–right flips. Faces: --data …/faces48/train (48×48 gray). \
        Emoji: --data …/emoji --size 32 (RGBA composited on white, padded square, downscaled to 32×32 RGB).
        """)

    @OptionGroup var engine: EngineOptions
    @OptionGroup var training: GenerativeTrainingArguments
    @Option(help: "Weight β of the KL term (1: the ELBO; > 1: β-VAE, smoother latent space, blurrier images).") var beta: Float = 1

    func run() throws {
        engine.apply()
        var options = try training.options(kind: "vae")
        options.beta = beta
        try training.run(options)
    }
}
