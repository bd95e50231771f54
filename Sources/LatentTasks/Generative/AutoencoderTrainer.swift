import LatentModels
import LatentNN
import LatentTensor

/// Trains a VAE (loss: Bernoulli reconstruction + β·KL, per image) or a plain autoencoder
/// (reconstruction alone) with Adam.
final class AutoencoderTrainer: GenerativeTrainer {
    let model: ConvAutoencoder
    let adam: Adam
    let beta: Float

    init(model: ConvAutoencoder, options: GenerativeTrainingOptions) {
        self.model = model
        adam = Adam(model.namedParameters(), learningRate: options.learningRate, beta1: options.adamBeta1)
        beta = options.beta
    }

    var module: Module { model }
    var optimizer: Optimizer { adam }

    func step(_ batch: Tensor, using rng: inout RandomSource) -> [(String, Float)] {
        model.zeroGrad()
        let (total, reconstruction, kl) = model.loss(batch, beta: beta, using: &rng)
        total.backward()
        adam.step()
        var losses = [("loss", total.item), ("recon", reconstruction.item)]
        if let kl { losses.append(("kl", kl.item)) }
        return losses
    }

    func decode(_ codes: Tensor) -> Tensor {
        model.eval()
        defer { model.train() }
        return Autograd.withoutGrad { model.decode(codes) }
    }

    func save(trainingJSON: String, to path: String) throws {
        try ModelFile.save(model, architecture: model.architecture, trainingJSON: trainingJSON, to: path)
    }
}
