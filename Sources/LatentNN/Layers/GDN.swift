import LatentTensor

/// Generalized divisive normalization (Ballé, Laparra & Simoncelli 2016), the non-linearity of
/// learned image codecs: y_i = x_i / √(β_i + Σ_j γ_ij · x_j²), or with `inverse` (IGDN, used
/// in the synthesis transform) y_i = x_i · √(β_i + Σ_j γ_ij · x_j²).
///
/// Tensors `beta` [C] and `gamma` [C, C] hold the effective values (not a reparameterisation):
/// β > 0 and γ ≥ 0 are kept by `project()` after each optimizer step. Initialised as CompressAI
/// does: β = 1, γ = 0.1·I.
public final class GDN: Module {
    public let beta: Tensor
    public let gamma: Tensor
    public let inverse: Bool

    /// Smallest β `project()` allows: keeps the square root and its gradient finite.
    public static let betaMinimum: Float = 1e-6

    public init(channels: Int, inverse: Bool = false) {
        beta = Tensor.ones([channels]).requiringGrad()
        var identity = [Float](repeating: 0, count: channels * channels)
        for c in 0..<channels { identity[c * channels + c] = 0.1 }
        gamma = Tensor(identity, shape: [channels, channels]).requiringGrad()
        self.inverse = inverse
    }

    public var channels: Int { beta.shape[0] }

    /// x: [N, C, H, W] → [N, C, H, W]. The weighted sum over channels is a 1×1 convolution of x²
    /// with weight γ and bias β.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        let c = channels
        let norm = conv2d(x.squared(), weight: gamma.reshaped([c, c, 1, 1]), bias: beta).sqrt()
        return inverse ? x * norm : x / norm
    }

    /// Puts β back to ≥ `betaMinimum` and γ to ≥ 0 (projected gradient descent).
    public func project() {
        beta.withUnsafeMutableBufferPointer { b in
            for i in b.indices { b[i] = max(b[i], GDN.betaMinimum) }
        }
        gamma.withUnsafeMutableBufferPointer { g in
            for i in g.indices { g[i] = max(g[i], 0) }
        }
    }
}
