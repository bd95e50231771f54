import LatentTensor

/// Inverted dropout, `torch.nn.Dropout`: in training mode zeroes each element with
/// probability `probability` and scales the rest by 1 / (1 − probability); the identity in
/// evaluation mode. It has no tensors, so it adds nothing to a `state_dict`.
///
/// Randomness: each layer owns its generator, seeded when the layer is made, rather than
/// sharing a global one. A model built from a seed therefore draws the same masks on every
/// run, whatever other code draws meanwhile, and the masks of one layer do not shift when
/// another layer is added. `random` is public so that a checkpoint can save and restore it.
public final class Dropout: Module {
    public let probability: Float
    public var random: RandomSource

    public init(probability: Float = 0.5, seed: UInt64) {
        precondition(probability >= 0 && probability <= 1, "dropout probability \(probability) outside [0, 1]")
        self.probability = probability
        random = RandomSource(seed: seed)
    }

    /// Seeds the layer from the model's construction generator (one draw), as the other
    /// layers take their initial weights from it.
    public convenience init(probability: Float = 0.5, using rng: inout RandomSource) {
        self.init(probability: probability, seed: rng.next())
    }

    /// x: any shape → the same shape.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        dropout(x, probability: probability, training: training, using: &random)
    }
}
