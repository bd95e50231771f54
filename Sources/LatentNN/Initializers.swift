import Foundation
import LatentTensor

/// Weight initialisation schemes, as PyTorch applies them by default.
public enum Initializer {
    /// U(−1/√fanIn, 1/√fanIn): PyTorch's default for conv and linear weights
    /// (kaiming_uniform with a = √5) and biases.
    public static func pytorchDefault(_ shape: [Int], fanIn: Int, using rng: inout RandomSource) -> Tensor {
        let bound = 1 / Float(max(fanIn, 1)).squareRoot()
        return Tensor.uniform(shape, low: -bound, high: bound, using: &rng)
    }

    /// He (Kaiming) normal, std = gain/√fanIn, for ReLU networks trained from scratch.
    public static func kaimingNormal(_ shape: [Int], fanIn: Int, gain: Float = Float(2).squareRoot(), using rng: inout RandomSource) -> Tensor {
        Tensor.normal(shape, std: gain / Float(max(fanIn, 1)).squareRoot(), using: &rng)
    }

    /// N(0, std²): DCGAN's initialisation (std 0.02).
    public static func normal(_ shape: [Int], std: Float, using rng: inout RandomSource) -> Tensor {
        Tensor.normal(shape, std: std, using: &rng)
    }
}
