import ArgumentParser
import LatentTasks

struct TrainGANCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gan",
        abstract: "Train a DCGAN: transposed-conv generator with batch norm + ReLU and tanh, strided-conv discriminator with LeakyReLU(0.2) and batch norm.",
        discussion: """
        Stabilised as in DCGAN and Salimans et al.: Adam lr 2e-4, β1 0.5; one-sided label smoothing \
        (real target --real-label, fakes 0); non-saturating generator loss. The progress line shows the \
        discriminator's loss as "loss", then d_loss, g_loss, D(x) and D(G(z)) averaged over the window. \
        Emoji: --size 32 (RGBA composited on white, 32×32 RGB).
        """)

    @OptionGroup var engine: EngineOptions
    @OptionGroup var training: GenerativeTrainingArguments
    @Option(help: "Adam β1.") var adamBeta1: Float = 0.5
    @Option(help: "Discriminator target for real images (one-sided label smoothing).") var realLabel: Float = 0.9

    func run() throws {
        engine.apply()
        var options = try training.options(kind: "gan")
        options.adamBeta1 = adamBeta1
        options.realLabel = realLabel
        try training.run(options)
    }
}
