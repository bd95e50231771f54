import LatentTensor

/// A 2-D convolution, `torch.nn.Conv2d`: weight [out, in / groups, kh, kw], bias [out].
public final class Conv2d: Module {
    public let weight: Tensor
    public let bias: Tensor?
    public let stride: (Int, Int)
    public let padding: Padding
    public let dilation: (Int, Int)
    public let groups: Int

    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1,
                padding: Padding = .same, dilation: Int = 1, groups: Int = 1, bias: Bool = true,
                using rng: inout RandomSource) {
        precondition(groups > 0 && inChannels % groups == 0 && outChannels % groups == 0,
                     "Conv2d: \(groups) groups do not divide \(inChannels) → \(outChannels) channels")
        // Each output channel sees only its group's inputs, so that is its fan-in (as PyTorch).
        let fanIn = inChannels / groups * kernelSize * kernelSize
        weight = Initializer.pytorchDefault([outChannels, inChannels / groups, kernelSize, kernelSize], fanIn: fanIn, using: &rng).requiringGrad()
        self.bias = bias ? Initializer.pytorchDefault([outChannels], fanIn: fanIn, using: &rng).requiringGrad() : nil
        self.stride = (stride, stride)
        self.padding = padding
        self.dilation = (dilation, dilation)
        self.groups = groups
    }

    public var inChannels: Int { weight.shape[1] * groups }
    public var outChannels: Int { weight.shape[0] }
    public var kernelSize: Int { weight.shape[2] }

    /// x: [N, in, H, W] → [N, out, H', W'], with `activation` fused into the convolution.
    public func callAsFunction(_ x: Tensor, activation: Activation = .identity) -> Tensor {
        conv2d(x, weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups,
               activation: activation)
    }
}

/// A 2-D transposed convolution (learned upsampling), `torch.nn.ConvTranspose2d`:
/// weight [in, out, kh, kw], bias [out].
public final class ConvTranspose2d: Module {
    public let weight: Tensor
    public let bias: Tensor?
    public let stride: (Int, Int)
    public let padding: (Int, Int)
    public let outputPadding: (Int, Int)

    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1,
                padding: Int = 0, outputPadding: Int = 0, bias: Bool = true,
                using rng: inout RandomSource) {
        // PyTorch computes fan-in from weight.shape[1] * kh * kw for transposed convolutions.
        let fanIn = outChannels * kernelSize * kernelSize
        weight = Initializer.pytorchDefault([inChannels, outChannels, kernelSize, kernelSize], fanIn: fanIn, using: &rng).requiringGrad()
        self.bias = bias ? Initializer.pytorchDefault([outChannels], fanIn: fanIn, using: &rng).requiringGrad() : nil
        self.stride = (stride, stride)
        self.padding = (padding, padding)
        self.outputPadding = (outputPadding, outputPadding)
    }

    public var inChannels: Int { weight.shape[0] }
    public var outChannels: Int { weight.shape[1] }
    public var kernelSize: Int { weight.shape[2] }

    /// x: [N, in, H, W] → [N, out, (H − 1)·s − 2p + k + outputPadding, …]
    public func callAsFunction(_ x: Tensor, activation: Activation = .identity) -> Tensor {
        convTranspose2d(x, weight: weight, bias: bias, stride: stride, padding: padding,
                        outputPadding: outputPadding, activation: activation)
    }
}
