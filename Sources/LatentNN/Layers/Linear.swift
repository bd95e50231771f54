import LatentTensor

/// A fully connected layer, `torch.nn.Linear`: y = x·weightᵀ + bias,
/// weight [out, in], bias [out].
public final class Linear: Module {
    public let weight: Tensor
    public let bias: Tensor?

    /// PyTorch's default initialisation: weight and bias both U(−1/√in, 1/√in)
    /// (kaiming_uniform with a = √5 reduces to this bound for the weight).
    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true, using rng: inout RandomSource) {
        weight = Initializer.pytorchDefault([outFeatures, inFeatures], fanIn: inFeatures, using: &rng).requiringGrad()
        self.bias = bias ? Initializer.pytorchDefault([outFeatures], fanIn: inFeatures, using: &rng).requiringGrad() : nil
    }

    public var inFeatures: Int { weight.shape[1] }
    public var outFeatures: Int { weight.shape[0] }

    /// x: [N, in] → [N, out]
    public func callAsFunction(_ x: Tensor) -> Tensor {
        linear(x, weight: weight, bias: bias)
    }
}
