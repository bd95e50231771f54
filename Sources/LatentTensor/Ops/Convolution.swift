// 2-D convolution and transposed convolution with autograd.
// Both dispatch to the kernels of `Engine.backend`; bias and an activation are fused into
// the forward pass (oneDNN applies them as post-ops), so the backward first multiplies the
// incoming gradient by the activation's derivative, taken from the saved output.

/// Spatial padding of a convolution.
public enum Padding: Hashable, Sendable {
    /// No padding.
    case valid
    /// Output size = ceil(input / stride); extra padding goes to the bottom/right, as PyTorch.
    case same
    /// The same padding on both sides: (height, width).
    case symmetric(Int, Int)
    /// Explicit (top, left, bottom, right).
    case explicit(top: Int, left: Int, bottom: Int, right: Int)

    public static func symmetric(_ p: Int) -> Padding { .symmetric(p, p) }

    /// (before, after) for one axis.
    func amounts(axis: Int, input: Int, kernel: Int, stride: Int, dilation: Int) -> (Int, Int) {
        switch self {
        case .valid: return (0, 0)
        case .symmetric(let h, let w): return axis == 0 ? (h, h) : (w, w)
        case .explicit(let t, let l, let b, let r): return axis == 0 ? (t, b) : (l, r)
        case .same:
            let effective = dilation * (kernel - 1) + 1
            let out = (input + stride - 1) / stride
            let total = max(0, (out - 1) * stride + effective - input)
            return (total / 2, total - total / 2)
        }
    }
}

/// The kernels the current backend provides.
enum Kernels {
    static var convolution: any TransposedConvolutionKernels {
        switch Engine.backend {
        case .reference: return ConvolutionReference()
        case .dnnl: return DNNLBackend.convolution ?? ConvolutionReference()
        }
    }
}

/// The oneDNN backend's kernels, created (engine, stream, thread observer) on first use;
/// nil when oneDNN has no CPU engine.
enum DNNLBackend {
    static let convolution: (any TransposedConvolutionKernels)? = DNNLContext.isAvailable ? DNNLConvolutionKernels() : nil
}

/// The bias gradient and the pre-activation gradient of a fused layer.
private func gradientThroughActivation(_ g: Tensor, output: Tensor, activation: Activation) -> Tensor {
    guard activation != .identity else { return g }
    return ElementwiseKernels.binary(g, output) { g, y in g * activation.derivative(output: y) }
}

/// y = activation(conv2d(x, weight) + bias)
/// x: [N, Cin, H, W], weight: [Cout, Cin / groups, KH, KW], bias: [Cout] → y: [N, Cout, OH, OW]
public func conv2d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil,
                   stride: (Int, Int) = (1, 1), padding: Padding = .valid, dilation: (Int, Int) = (1, 1),
                   groups: Int = 1, activation: Activation = .identity) -> Tensor {
    precondition(x.rank == 4 && weight.rank == 4, "conv2d wants x [N, C, H, W] and weight [Cout, Cin, KH, KW], got \(x.shape), \(weight.shape)")
    precondition(x.shape[1] == weight.shape[1] * groups,
                 "conv2d: input has \(x.shape[1]) channels, weight expects \(weight.shape[1]) × \(groups) groups")
    let (ph0, ph1) = padding.amounts(axis: 0, input: x.shape[2], kernel: weight.shape[2], stride: stride.0, dilation: dilation.0)
    let (pw0, pw1) = padding.amounts(axis: 1, input: x.shape[3], kernel: weight.shape[3], stride: stride.1, dilation: dilation.1)
    let geometry = ConvolutionGeometry(
        batch: x.shape[0], inChannels: x.shape[1], outChannels: weight.shape[0],
        inHeight: x.shape[2], inWidth: x.shape[3], kernelHeight: weight.shape[2], kernelWidth: weight.shape[3],
        strideH: stride.0, strideW: stride.1, dilationH: dilation.0, dilationW: dilation.1,
        padTop: ph0, padLeft: pw0, padBottom: ph1, padRight: pw1, groups: groups)
    precondition(geometry.outHeight > 0 && geometry.outWidth > 0, "conv2d: empty output for \(geometry)")
    let kernels = Kernels.convolution
    let y = kernels.forward(x, weight: weight, bias: bias, geometry: geometry, activation: activation)
    let (savedX, savedW, savedY) = (x.detached(), weight.detached(), y.detached())
    let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
    return Autograd.record(y, inputs: inputs) { g in
        let gz = gradientThroughActivation(g, output: savedY, activation: activation)
        let dx = x.requiresGrad ? kernels.backwardData(gz, weight: savedW, geometry: geometry) : nil
        let wantParams = weight.requiresGrad || (bias?.requiresGrad ?? false)
        let (dw, db) = wantParams
            ? kernels.backwardWeights(gz, input: savedX, geometry: geometry, withBias: bias != nil)
            : (nil, nil)
        return bias == nil ? [dx, dw] : [dx, dw, db]
    }
}

/// y = activation(conv_transpose2d(x, weight) + bias), as PyTorch's `ConvTranspose2d`.
/// x: [N, Cin, H, W], weight: [Cin, Cout / groups, KH, KW], bias: [Cout] →
/// y: [N, Cout, (H − 1)·s − 2p + d·(K − 1) + outputPadding + 1, …]
public func convTranspose2d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil,
                            stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0),
                            outputPadding: (Int, Int) = (0, 0), dilation: (Int, Int) = (1, 1),
                            groups: Int = 1, activation: Activation = .identity) -> Tensor {
    precondition(x.rank == 4 && weight.rank == 4, "convTranspose2d wants x [N, C, H, W] and weight [Cin, Cout, KH, KW], got \(x.shape), \(weight.shape)")
    precondition(x.shape[1] == weight.shape[0], "convTranspose2d: input has \(x.shape[1]) channels, weight expects \(weight.shape[0])")
    precondition(outputPadding.0 < max(stride.0, dilation.0) && outputPadding.1 < max(stride.1, dilation.1),
                 "output padding must be smaller than stride or dilation")
    let (kh, kw) = (weight.shape[2], weight.shape[3])
    let outH = (x.shape[2] - 1) * stride.0 - 2 * padding.0 + dilation.0 * (kh - 1) + outputPadding.0 + 1
    let outW = (x.shape[3] - 1) * stride.1 - 2 * padding.1 + dilation.1 * (kw - 1) + outputPadding.1 + 1
    precondition(outH > 0 && outW > 0, "convTranspose2d: empty output")
    // The adjoint convolution maps y [outH, outW] back to x [H, W]; its bottom/right padding
    // absorbs the output padding so that its size formula is exact.
    let geometry = ConvolutionGeometry(
        batch: x.shape[0], inChannels: weight.shape[1] * groups, outChannels: weight.shape[0],
        inHeight: outH, inWidth: outW, kernelHeight: kh, kernelWidth: kw,
        strideH: stride.0, strideW: stride.1, dilationH: dilation.0, dilationW: dilation.1,
        padTop: padding.0, padLeft: padding.1,
        padBottom: padding.0 - outputPadding.0, padRight: padding.1 - outputPadding.1, groups: groups)
    assert(geometry.outHeight == x.shape[2] && geometry.outWidth == x.shape[3])
    let kernels = Kernels.convolution
    let y = kernels.transposedForward(x, weight: weight, bias: bias, geometry: geometry, activation: activation)
    let (savedX, savedW, savedY) = (x.detached(), weight.detached(), y.detached())
    let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
    return Autograd.record(y, inputs: inputs) { g in
        let gz = gradientThroughActivation(g, output: savedY, activation: activation)
        let dx = x.requiresGrad ? kernels.transposedBackwardData(gz, weight: savedW, geometry: geometry) : nil
        let wantParams = weight.requiresGrad || (bias?.requiresGrad ?? false)
        let (dw, db) = wantParams
            ? kernels.transposedBackwardWeights(gz, input: savedX, geometry: geometry, withBias: bias != nil)
            : (nil, nil)
        return bias == nil ? [dx, dw] : [dx, dw, db]
    }
}
