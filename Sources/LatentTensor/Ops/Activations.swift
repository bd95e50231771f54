import Foundation

// Point-wise non-linearities. Each backward uses the saved input or output.

/// The activations oneDNN can fuse into a convolution as a post-op.
public enum Activation: Equatable, Sendable {
    case identity
    case relu
    case leakyReLU(Float)
    case sigmoid
    case tanh

    /// f(x)
    @inline(__always)
    public func apply(_ x: Float) -> Float {
        switch self {
        case .identity: return x
        case .relu: return x > 0 ? x : 0
        case .leakyReLU(let slope): return x > 0 ? x : slope * x
        case .sigmoid: return stableSigmoid(x)
        case .tanh: return Foundation.tanh(x)
        }
    }

    /// f′ expressed through the output y = f(x) (valid for every case here, so a fused
    /// convolution need keep only its output).
    @inline(__always)
    public func derivative(output y: Float) -> Float {
        switch self {
        case .identity: return 1
        case .relu: return y > 0 ? 1 : 0
        case .leakyReLU(let slope): return y > 0 ? 1 : slope
        case .sigmoid: return y * (1 - y)
        case .tanh: return 1 - y * y
        }
    }
}

/// 1 / (1 + e^{−x}) without overflow for large |x|.
@inline(__always)
func stableSigmoid(_ x: Float) -> Float {
    if x >= 0 { return 1 / (1 + Foundation.exp(-x)) }
    let e = Foundation.exp(x)
    return e / (1 + e)
}

extension Tensor {
    /// Applies `activation` element-wise; the backward uses the output only.
    public func activated(_ activation: Activation) -> Tensor {
        if activation == .identity { return self }
        let out = ElementwiseKernels.unary(self) { activation.apply($0) }
        let saved = out.detached()
        return Autograd.record(out, inputs: [self]) { g in
            [ElementwiseKernels.binary(g, saved) { g, y in g * activation.derivative(output: y) }]
        }
    }

    public func relu() -> Tensor { activated(.relu) }
    public func leakyReLU(_ slope: Float = 0.2) -> Tensor { activated(.leakyReLU(slope)) }
    public func sigmoid() -> Tensor { activated(.sigmoid) }
    public func tanh() -> Tensor { activated(.tanh) }

    /// softplus(x) = ln(1 + eˣ), computed as max(x, 0) + ln(1 + e^{−|x|}) so that it neither
    /// overflows for large x nor loses the small values for very negative x; the derivative is
    /// sigmoid(x). Used to keep weights positive (the factorized entropy model's matrices).
    public func softplus() -> Tensor {
        let out = ElementwiseKernels.unary(self) { x in Swift.max(x, 0) + Foundation.log1p(Foundation.exp(-Swift.abs(x))) }
        let saved = detached()
        return Autograd.record(out, inputs: [self]) { g in
            [ElementwiseKernels.binary(g, saved) { g, x in g * stableSigmoid(x) }]
        }
    }
}
