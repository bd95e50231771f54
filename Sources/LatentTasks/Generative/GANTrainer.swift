import Foundation
import LatentModels
import LatentNN
import LatentTensor

/// Trains a DCGAN: per step one discriminator update on a real and a generated batch
/// (real target `realLabel`, one-sided smoothing: fakes keep target 0), then one generator
/// update with the non-saturating loss −log D(G(z)). Both with Adam (DCGAN: lr 2e-4, β1 0.5).
final class GANTrainer: GenerativeTrainer {
    let model: DCGAN
    let generatorAdam: Adam
    let discriminatorAdam: Adam
    let group: OptimizerGroup
    let realLabel: Float

    init(model: DCGAN, options: GenerativeTrainingOptions) {
        self.model = model
        generatorAdam = Adam(model.generator.namedParameters(), learningRate: options.learningRate, beta1: options.adamBeta1)
        discriminatorAdam = Adam(model.discriminator.namedParameters(), learningRate: options.learningRate, beta1: options.adamBeta1)
        group = OptimizerGroup([("generator", generatorAdam), ("discriminator", discriminatorAdam)])
        realLabel = options.realLabel
    }

    var module: Module { model }
    var optimizer: Optimizer { group }

    func step(_ batch: Tensor, using rng: inout RandomSource) -> [(String, Float)] {
        let (g, d) = (model.generator, model.discriminator)
        let real = batch * 2 - 1                                        // [N, C, S, S] in [−1, 1], as tanh gives
        let z = Tensor.normal([batch.shape[0], model.architecture.latentDim], using: &rng)
        let fake = g(z)                                                 // recorded: the generator step reuses it

        // Discriminator: real → realLabel, fake → 0; the fake is detached so G gets nothing.
        d.zeroGrad()
        let realLogits = d(real)
        let fakeLogitsForD = d(fake.detached())
        let dLoss = Loss.discriminator(realLogits: realLogits, fakeLogits: fakeLogitsForD, realLabel: realLabel)
        dLoss.backward()
        discriminatorAdam.step()

        // Generator: through the updated discriminator, whose weights are frozen for this pass
        // so that its backward computes only the input gradient (a third less work).
        g.zeroGrad()
        let dParameters = d.parameters()
        for p in dParameters { p.requiresGrad = false }
        let fakeLogits = d(fake)
        let gLoss = Loss.generatorNonSaturating(fakeLogits: fakeLogits)
        gLoss.backward()
        for p in dParameters { p.requiresGrad = true }
        generatorAdam.step()

        func meanProbability(_ logits: Tensor) -> Float {
            let v = logits.toArray()
            return v.reduce(0) { $0 + 1 / (1 + Foundation.exp(-$1)) } / Float(max(v.count, 1))
        }
        return [("d_loss", dLoss.item), ("g_loss", gLoss.item),
                ("D(x)", meanProbability(realLogits)), ("D(G(z))", meanProbability(fakeLogitsForD))]
    }

    func decode(_ codes: Tensor) -> Tensor {
        model.eval()
        defer { model.train() }
        return Autograd.withoutGrad { model.generator.images(codes) }
    }

    func save(trainingJSON: String, to path: String) throws {
        try ModelFile.save(model, architecture: model.architecture, trainingJSON: trainingJSON, to: path)
    }
}
