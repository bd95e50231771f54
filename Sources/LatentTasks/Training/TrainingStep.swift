import Foundation
import LatentModels
import LatentNN
import LatentTensor

/// One optimisation step of `latent train <task>` for the model in a file — the same network,
/// loss and optimizer the training loop runs (its own step function), fed random inputs of the
/// batch and size the model was trained at, so that benchmarks (`LatentBenchmarks models`,
/// `train-step`) time what training really does rather than an imitation of it.
///
/// The network starts from the file's architecture with fresh weights (speed does not depend on
/// the weights). A new kind of model adds its case to `forModel(at:)`.
public struct TrainingStep {
    public let kind: String
    public let batch: Int
    /// Side of the square training inputs: patches, or whole images for the generative models.
    public let size: Int
    public let channels: Int
    /// Runs one step; returns the loss.
    public let run: () -> Float

    /// - Parameters:
    ///   - batch, size: override what the model's training record says (for comparisons at
    ///     equal batch and patch size).
    public static func forModel(at path: String, batch: Int? = nil, size: Int? = nil, seed: UInt64 = 1) throws -> TrainingStep {
        let file = try ModelFile(path: path)
        let kind = try file.kind
        let optionsJSON = Self.recordedOptions(file)
        var rng = RandomSource(seed: seed)
        switch kind {
        case DenoiserArchitecture.kindName:
            var o = (optionsJSON.flatMap { try? JSONDecoder().decode(DenoiseTrainingOptions.self, from: Data($0.utf8)) })
                ?? DenoiseTrainingOptions(data: "", output: "")
            let architecture = try file.architecture(DenoiserArchitecture.self)
            o.batch = batch ?? o.batch
            o.patch = size ?? o.patch
            let network = DenoiseUNet(architecture, seed: seed)
            network.train()
            let optimizer = Adam(network.namedParameters(), learningRate: o.learningRate)
            let clean = Tensor.uniform([o.batch, architecture.channels, o.patch, o.patch], using: &rng)
            let options = o
            return TrainingStep(kind: kind, batch: o.batch, size: o.patch, channels: architecture.channels) {
                DenoiseTraining.step(network, optimizer, clean: clean, options: options, using: &rng).objective
            }
        case UpscalerArchitecture.kindName:
            var o = (optionsJSON.flatMap { try? JSONDecoder().decode(UpscaleTrainingOptions.self, from: Data($0.utf8)) })
                ?? UpscaleTrainingOptions(data: [], output: "")
            let architecture = try file.architecture(UpscalerArchitecture.self)
            o.batch = batch ?? o.batch
            o.patch = size ?? o.patch
            guard o.patch % architecture.scale == 0 else {
                throw TaskError.invalidOption("\(path): the patch side must be a multiple of the scale \(architecture.scale)")
            }
            let network = UpscaleNet(architecture, seed: seed)
            network.train()
            let optimizer = Adam(network.namedParameters(), learningRate: o.learningRate)
            let c = architecture.channels, p = o.patch
            let high = Tensor.uniform([o.batch, c, p, p], using: &rng)
            let low = Tensor.uniform([o.batch, c, p / architecture.scale, p / architecture.scale], using: &rng)
            let loss = o.loss
            return TrainingStep(kind: kind, batch: o.batch, size: p, channels: c) {
                UpscaleTraining.step(network, optimizer, low: low, high: high, loss: loss)
            }
        case ColorizerArchitecture.kindName:
            var o = (optionsJSON.flatMap { try? JSONDecoder().decode(ColorizeTrainingOptions.self, from: Data($0.utf8)) })
                ?? ColorizeTrainingOptions(data: "", output: "")
            let architecture = try file.architecture(ColorizerArchitecture.self)
            o.batch = batch ?? o.batch
            o.patch = size ?? o.patch
            guard o.patch % architecture.totalStride == 0 else {
                throw TaskError.invalidOption("\(path): the patch side must be a multiple of the stride \(architecture.totalStride)")
            }
            let network = ColorizeNet(architecture, seed: seed)
            network.train()
            let optimizer = Adam(network.namedParameters(), learningRate: o.learningRate)
            // Lab patches: L in [0, 100], a and b in [−60, 60] (inside the gamut's range).
            let p = o.patch, plane = p * p
            var values = Tensor.uniform([o.batch, 3, p, p], using: &rng).toArray()
            for i in 0..<o.batch {
                for c in 0..<3 {
                    for k in 0..<plane {
                        let index = (i * 3 + c) * plane + k
                        values[index] = c == 0 ? values[index] * 100 : values[index] * 120 - 60
                    }
                }
            }
            let patches = Tensor(values, shape: [o.batch, 3, p, p])
            let targets = ABClassTargets(bins: architecture.bins)
            return TrainingStep(kind: kind, batch: o.batch, size: p, channels: 1) {
                ColorizeTraining.step(network, optimizer, patches: patches, targets: targets)
            }
        case CompressionArchitecture.kindName:
            var o = (optionsJSON.flatMap { try? JSONDecoder().decode(CompressTrainingOptions.self, from: Data($0.utf8)) })
                ?? CompressTrainingOptions(data: "", output: "")
            o.batch = batch ?? o.batch
            o.patch = size ?? o.patch
            return try compress(try file.architecture(CompressionArchitecture.self), options: o, seed: seed)
        case AutoencoderArchitecture.variationalKind, AutoencoderArchitecture.plainKind, GANArchitecture.kindName:
            guard let json = optionsJSON,
                  var o = try? JSONDecoder().decode(GenerativeTrainingOptions.self, from: Data(json.utf8)) else {
                throw TaskError.invalidOption("\(path): no training options recorded, so the step cannot be rebuilt")
            }
            o.batch = batch ?? o.batch
            if let size, size != o.size {
                throw TaskError.invalidOption("\(path): a \(kind) model trains on whole \(o.size)×\(o.size) images, not \(size)×\(size)")
            }
            let trainer = try GenerativeTraining(options: o, command: "").makeTrainer()
            trainer.module.train()
            let images = Tensor.uniform([o.batch, o.channels, o.size, o.size], using: &rng)
            return TrainingStep(kind: kind, batch: o.batch, size: o.size, channels: o.channels) {
                trainer.step(images, using: &rng)[0].1
            }
        default:
            throw TaskError.invalidOption("\(path): no training step for \(kind) models yet (add it to TrainingStep.forModel)")
        }
    }

    /// The codec's training step (`latent train compress`) for an architecture that need not be in
    /// a file yet: the compress suite times the default one when no codec is installed.
    public static func compress(_ architecture: CompressionArchitecture, options o: CompressTrainingOptions,
                                seed: UInt64 = 1) throws -> TrainingStep {
        guard o.patch % architecture.totalStride == 0 else {
            throw TaskError.invalidOption("the patch side \(o.patch) must be a multiple of the stride \(architecture.totalStride)")
        }
        var rng = RandomSource(seed: seed)
        let network = FactorizedPriorCodec(architecture, seed: seed)
        network.train()
        let optimizer = CompressTraining.optimizer(network, options: o).group
        let patches = Tensor.uniform([o.batch, architecture.channels, o.patch, o.patch], using: &rng)
        return TrainingStep(kind: CompressionArchitecture.kindName, batch: o.batch, size: o.patch, channels: architecture.channels) {
            CompressTraining.step(network, optimizer, batch: patches, options: o, using: &rng).loss
        }
    }

    /// The `options` of the model file's training record, if any.
    static func recordedOptions(_ file: ModelFile) -> String? {
        guard let record = file.trainingJSON, let data = record.data(using: .utf8),
              let fields = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return fields["options"] as? String
    }
}
