import ArgumentParser
import LatentTasks

struct TrainAECommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ae",
        abstract: "Train a plain convolutional autoencoder: the VAE's encoder and decoder, no sampling, no KL.",
        discussion: """
        For comparing latent spaces with `latent train vae`: same layers and loss (Σ BCE per image) \
        without the KL term, so its codes are not shaped like N(0, I) and sampling from N(0, I) \
        gives poor images. Same data handling as `latent train vae`.
        """)

    @OptionGroup var engine: EngineOptions
    @OptionGroup var training: GenerativeTrainingArguments

    func run() throws {
        engine.apply()
        try training.run(try training.options(kind: "ae"))
    }
}
