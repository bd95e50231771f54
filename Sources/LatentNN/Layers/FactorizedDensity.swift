import Foundation
import LatentTensor

/// One layer of `FactorizedDensity`'s per-channel network: C independent `in → out` affine maps,
/// with the gate of all but the last layer.
public final class FactorizedDensityLayer: Module {
    /// [C, out, in], used through softplus so that every weight is positive (monotone network).
    public let matrix: Tensor
    /// [C, out, 1]
    public let bias: Tensor
    /// [C, out, 1], used through tanh, so the gate x + tanh(a)·tanh(x) stays monotone; nil on
    /// the last layer.
    public let factor: Tensor?

    init(channels: Int, inputs: Int, outputs: Int, initialMatrix: Float, gated: Bool, using rng: inout RandomSource) {
        matrix = Tensor.full([channels, outputs, inputs], initialMatrix).requiringGrad()
        bias = Tensor.uniform([channels, outputs, 1], low: -0.5, high: 0.5, using: &rng).requiringGrad()
        factor = gated ? Tensor.zeros([channels, outputs, 1]).requiringGrad() : nil
    }

    var inputs: Int { matrix.shape[2] }
    var outputs: Int { matrix.shape[1] }
}

/// The factorized density model of Ballé, Minnen, Singh, Hwang & Johnston 2018 (appendix 6.1),
/// CompressAI's `EntropyBottleneck`: every channel c of a latent has its own learned cumulative
/// distribution F_c, a small monotone network ℝ → ℝ (widths 1 → filters… → 1) whose output is
/// the logit of F_c. The probability of a quantized value (or of a value with uniform noise
/// added, in training) is the mass of the unit interval around it:
/// P(y) = F_c(y + ½) − F_c(y − ½).
public final class FactorizedDensity: Module {
    public let layers: [FactorizedDensityLayer]

    /// Probabilities below this are raised to it (a straight-through bound: the gradient still
    /// flows), so −log₂ P stays finite (≤ 30 bits).
    public static let likelihoodBound: Float = 1e-9

    /// - Parameters:
    ///   - filters: hidden widths (CompressAI's default (3, 3, 3)).
    ///   - initScale: the initial distribution spans about ±initScale (CompressAI: 10).
    public init(channels: Int, filters: [Int] = [3, 3, 3], initScale: Float = 10, using rng: inout RandomSource) {
        let widths = [1] + filters + [1]
        let scale = pow(Double(initScale), 1 / Double(filters.count + 1))
        layers = (0..<widths.count - 1).map { i in
            // softplus(init) = 1 / scale / fan-out: the composition starts as a wide logistic.
            let initial = Float(log(expm1(1 / scale / Double(widths[i + 1]))))
            return FactorizedDensityLayer(channels: channels, inputs: widths[i], outputs: widths[i + 1],
                                          initialMatrix: initial, gated: i < filters.count, using: &rng)
        }
    }

    public var channels: Int { layers[0].matrix.shape[0] }

    /// The logit of F_c(x) for every element: x [N, C, H, W] → [N, C, H, W], increasing in x.
    ///
    /// The hidden units of each element are kept as separate [N, C, H, W] tensors and combined
    /// with per-channel weights, so the whole network is ordinary per-channel arithmetic (the
    /// widths are tiny; the latent tensors are 256 times smaller than the image).
    public func cumulativeLogits(_ x: Tensor) -> Tensor {
        precondition(x.rank == 4 && x.shape[1] == channels, "FactorizedDensity: \(x.shape) for \(channels) channels")
        let c = channels
        var units = [x]
        for layer in layers {
            let weights = layer.matrix.softplus()
            let gates = layer.factor?.tanh()
            var next: [Tensor] = []
            for j in 0..<layer.outputs {
                var sum = units[0].multipliedPerChannel(Self.entry(weights, j, 0, c))
                for i in 1..<layer.inputs {
                    sum = sum + units[i].multipliedPerChannel(Self.entry(weights, j, i, c))
                }
                sum = sum.addingPerChannel(Self.entry(layer.bias, j, 0, c))
                if let gates { sum = sum + sum.tanh().multipliedPerChannel(Self.entry(gates, j, 0, c)) }
                next.append(sum)
            }
            units = next
        }
        return units[0]
    }

    /// P(y − ½ < Y ≤ y + ½) per element, bounded below by `likelihoodBound`:
    /// y [N, C, H, W] → [N, C, H, W].
    ///
    /// F(y + ½) − F(y − ½) is computed on whichever side of the median the interval lies, as
    /// |σ(−s·u) − σ(−s·l)| with s the sign of l + u, so that far in the upper tail two numbers
    /// close to 1 are not subtracted.
    public func likelihood(_ y: Tensor) -> Tensor {
        let n = y.shape[0]
        let logits = cumulativeLogits(concat([y - 0.5, y + 0.5], axis: 0))
        let lower = logits.slice(axis: 0, range: 0..<n), upper = logits.slice(axis: 0, range: n..<2 * n)
        let sign = Autograd.withoutGrad { () -> Tensor in
            let sums = (lower + upper).toArray()
            return Tensor(sums.map { $0 > 0 ? -1 : 1 }, shape: y.shape)
        }
        let plainLower = lower.plain(), plainUpper = upper.plain()
        let probability = ((plainUpper * sign).sigmoid() - (plainLower * sign).sigmoid()).abs()
        let raise = Autograd.withoutGrad { () -> Tensor in
            let bound = Self.likelihoodBound
            return Tensor(probability.toArray().map { max($0, bound) - $0 }, shape: y.shape)
        }
        return probability + raise
    }

    /// tensor[:, j, i] as a [C] vector (a parameter's column, with its gradient path).
    private static func entry(_ tensor: Tensor, _ j: Int, _ i: Int, _ c: Int) -> Tensor {
        tensor.slice(axis: 1, range: j..<j + 1).slice(axis: 2, range: i..<i + 1).reshaped([c])
    }
}
