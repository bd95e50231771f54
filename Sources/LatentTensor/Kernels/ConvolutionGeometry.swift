/// The sizes of one 2-D convolution, shared by every backend.
///
/// x: [N, Cin, H, W], weight: [Cout, Cin / groups, KH, KW], y: [N, Cout, OH, OW] with
/// OH = (H + padTop + padBottom − dilationH·(KH − 1) − 1) / strideH + 1 (likewise OW).
/// With `groups` G, channels split into G independent convolutions: output channel co sees
/// only the input channels of its group, co / (Cout / G) (PyTorch's `groups`).
/// Padding may be asymmetric ('same' with an even effective kernel pads more at the end,
/// as PyTorch does). A transposed convolution is described by the geometry of the
/// convolution it is the adjoint of: its input is that convolution's y, its output the x.
public struct ConvolutionGeometry: Hashable, Sendable, CustomStringConvertible {
    public var batch: Int
    public var inChannels: Int
    public var outChannels: Int
    public var inHeight: Int
    public var inWidth: Int
    public var kernelHeight: Int
    public var kernelWidth: Int
    public var strideH: Int = 1
    public var strideW: Int = 1
    public var dilationH: Int = 1
    public var dilationW: Int = 1
    public var padTop: Int = 0
    public var padLeft: Int = 0
    public var padBottom: Int = 0
    public var padRight: Int = 0
    public var groups: Int = 1

    public init(batch: Int, inChannels: Int, outChannels: Int, inHeight: Int, inWidth: Int,
                kernelHeight: Int, kernelWidth: Int, strideH: Int = 1, strideW: Int = 1,
                dilationH: Int = 1, dilationW: Int = 1,
                padTop: Int = 0, padLeft: Int = 0, padBottom: Int = 0, padRight: Int = 0, groups: Int = 1) {
        precondition(groups > 0 && inChannels % groups == 0 && outChannels % groups == 0,
                     "\(groups) groups do not divide \(inChannels) input and \(outChannels) output channels")
        self.batch = batch; self.inChannels = inChannels; self.outChannels = outChannels
        self.inHeight = inHeight; self.inWidth = inWidth
        self.kernelHeight = kernelHeight; self.kernelWidth = kernelWidth
        self.strideH = strideH; self.strideW = strideW
        self.dilationH = dilationH; self.dilationW = dilationW
        self.padTop = padTop; self.padLeft = padLeft; self.padBottom = padBottom; self.padRight = padRight
        self.groups = groups
    }

    public var outHeight: Int { (inHeight + padTop + padBottom - dilationH * (kernelHeight - 1) - 1) / strideH + 1 }
    public var outWidth: Int { (inWidth + padLeft + padRight - dilationW * (kernelWidth - 1) - 1) / strideW + 1 }

    public var inputShape: [Int] { [batch, inChannels, inHeight, inWidth] }
    public var weightShape: [Int] { [outChannels, groupInChannels, kernelHeight, kernelWidth] }
    /// Input and output channels of one group.
    public var groupInChannels: Int { inChannels / groups }
    public var groupOutChannels: Int { outChannels / groups }
    public var outputShape: [Int] { [batch, outChannels, outHeight, outWidth] }

    /// Multiply-adds × 2 of the forward pass.
    public var flops: Double {
        2 * Double(batch * outChannels * outHeight * outWidth) * Double(groupInChannels * kernelHeight * kernelWidth)
    }

    public var description: String {
        "conv \(inputShape)→\(outputShape) k\(kernelHeight)×\(kernelWidth) s\(strideH),\(strideW) d\(dilationH),\(dilationW) p\(padTop),\(padLeft),\(padBottom),\(padRight)\(groups > 1 ? " g\(groups)" : "")"
    }
}

/// The three passes of a convolution. Inputs may arrive plain or blocked; each backend
/// returns whatever layout suits it (`Tensor.plain()` converts when a caller needs plain).
protocol ConvolutionKernels {
    /// y = activation(conv(x, weight) + bias). x: [N, Cin, H, W] → y: [N, Cout, OH, OW]
    func forward(_ x: Tensor, weight: Tensor, bias: Tensor?, geometry: ConvolutionGeometry, activation: Activation) -> Tensor
    /// dx = convᵀ(dy, weight). dy: [N, Cout, OH, OW] → dx: [N, Cin, H, W]
    func backwardData(_ gradOutput: Tensor, weight: Tensor, geometry: ConvolutionGeometry) -> Tensor
    /// dweight: [Cout, Cin, KH, KW] (plain), dbias: [Cout] (plain) when asked.
    func backwardWeights(_ gradOutput: Tensor, input: Tensor, geometry: ConvolutionGeometry, withBias: Bool) -> (weight: Tensor, bias: Tensor?)
}

/// A transposed convolution is the adjoint of the convolution whose geometry it carries:
/// x: [N, Cin_T = geometry.outChannels, H = OH, W = OW], weight: [Cin_T, Cout_T / groups, KH, KW]
/// (PyTorch's layout, which is exactly the adjoint convolution's [Cout, Cin / groups, KH, KW]),
/// y: [N, Cout_T = geometry.inChannels, geometry.inHeight, geometry.inWidth].
/// Backends may override these with dedicated primitives; the defaults reuse the
/// convolution passes.
protocol TransposedConvolutionKernels: ConvolutionKernels {
    /// y = activation(convᵀ(x, weight) + bias)
    func transposedForward(_ x: Tensor, weight: Tensor, bias: Tensor?, geometry: ConvolutionGeometry, activation: Activation) -> Tensor
    /// dx = conv(dy, weight)
    func transposedBackwardData(_ gradOutput: Tensor, weight: Tensor, geometry: ConvolutionGeometry) -> Tensor
    /// dweight: [Cin_T, Cout_T, KH, KW], dbias: [Cout_T]
    func transposedBackwardWeights(_ gradOutput: Tensor, input: Tensor, geometry: ConvolutionGeometry, withBias: Bool) -> (weight: Tensor, bias: Tensor?)
}

extension TransposedConvolutionKernels {
    func transposedForward(_ x: Tensor, weight: Tensor, bias: Tensor?, geometry: ConvolutionGeometry, activation: Activation) -> Tensor {
        var y = backwardData(x, weight: weight, geometry: geometry)
        if let bias { y = ChannelKernels.addPerChannel(y, bias) }
        return activation == .identity ? y : ElementwiseKernels.unary(y) { activation.apply($0) }
    }

    func transposedBackwardData(_ gradOutput: Tensor, weight: Tensor, geometry: ConvolutionGeometry) -> Tensor {
        forward(gradOutput, weight: weight, bias: nil, geometry: geometry, activation: .identity)
    }

    func transposedBackwardWeights(_ gradOutput: Tensor, input: Tensor, geometry: ConvolutionGeometry, withBias: Bool) -> (weight: Tensor, bias: Tensor?) {
        // The adjoint convolution's "input" is our output gradient and its "output gradient" our input.
        let (dw, _) = backwardWeights(input, input: gradOutput, geometry: geometry, withBias: false)
        return (dw, withBias ? ChannelKernels.sumPerChannel(gradOutput) : nil)
    }
}

extension ConvolutionReference: TransposedConvolutionKernels {}
