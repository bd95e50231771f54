import Foundation

/// The options of `latent train vae|ae|gan`; stored in checkpoints and in the model's
/// training record, so a run can be resumed and reproduced exactly.
public struct GenerativeTrainingOptions: Codable, Equatable {
    /// "vae", "ae" or "gan".
    public var kind: String
    public var data: String
    public var output: String
    /// Square side the images are resized to (48 for faces48; 32 for emoji).
    public var size: Int = 48
    /// 1 gray, 3 RGB.
    public var channels: Int = 1
    public var latentDim: Int = 32
    public var widths: [Int] = [32, 64, 128]
    /// Weight of the KL term (β-VAE, Higgins et al. 2017; 1 is the ELBO). Unused by ae and gan.
    public var beta: Float = 1
    public var steps: Int = 20_000
    public var batch: Int = 64
    public var learningRate: Float
    /// Adam's β1: 0.9 for the autoencoders, 0.5 for the GAN (Radford et al.: 0.9 oscillates).
    public var adamBeta1: Float
    /// The discriminator's target for real images (one-sided label smoothing, Salimans et al. 2016).
    public var realLabel: Float = 0.9
    public var seed: UInt64 = 1
    public var checkpointEvery: Int = 500
    public var sampleEvery: Int = 500
    /// Train on all images of `data` but every `holdOut`-th (see `HoldOutSplit`), which
    /// `latent eval … --hold-out` then measures; nil trains on all of them.
    public var holdOut: Int?

    /// The images training reads from `data`.
    public var trainingSplit: HoldOutSplit? { holdOut.map { HoldOutSplit(every: $0, part: .training) } }

    /// The defaults of each kind: Adam lr 1e-3, β1 0.9 for the autoencoders; lr 2e-4, β1 0.5 for the GAN (DCGAN's).
    public init(kind: String, data: String, output: String) {
        self.kind = kind
        self.data = data
        self.output = output
        if kind == "gan" {
            learningRate = 2e-4; adamBeta1 = 0.5; latentDim = 64
        } else {
            learningRate = 1e-3; adamBeta1 = 0.9
        }
    }

    private var base: String { output.hasSuffix(".safetensors") ? String(output.dropLast(12)) : output }
    /// Where the resumable state lives: `<output>.checkpoint.safetensors`.
    public var checkpointPath: String { Checkpoint.path(nextTo: output) }
    /// The sample grid written during training: `<output>.samples.png`.
    public var samplesPath: String { base + ".samples.png" }

    /// Options that must not change when a run is resumed. The length and the reporting
    /// intervals may; so may the output, so that a copied checkpoint can be resumed elsewhere
    /// (e.g. with `--steps` at its step, to write a model file from a run still in progress);
    /// so may where the data folder is mounted (its contents must be the same).
    func sameRun(as other: GenerativeTrainingOptions) -> Bool {
        var a = self, b = other
        for k in [\GenerativeTrainingOptions.steps, \.checkpointEvery, \.sampleEvery] { a[keyPath: k] = 0; b[keyPath: k] = 0 }
        a.output = ""; b.output = ""
        a.data = ""; b.data = ""
        return a == b
    }
}
