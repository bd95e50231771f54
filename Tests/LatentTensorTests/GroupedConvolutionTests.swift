import XCTest
import LatentTestSupport
@testable import LatentTensor

/// Grouped convolution (PyTorch's `groups`): the reference against finite differences and
/// against per-group ungrouped convolutions, and oneDNN against the reference, on plain and
/// channel-blocked activations.
final class GroupedConvolutionTests: XCTestCase {
    func testReferenceGradients() {
        Engine.withBackend(.reference) {
            var rng = RandomSource(seed: 11)
            let x = Tensor.normal([2, 4, 5, 6], using: &rng)
            let w = Tensor.normal([6, 2, 3, 3], std: 0.3, using: &rng)
            let b = Tensor.normal([6], using: &rng)
            let target = Tensor.normal([2, 6, 3, 3], using: &rng)
            checkGradients([x, w, b]) { t in
                (conv2d(t[0], weight: t[1], bias: t[2], stride: (2, 2), padding: .symmetric(1), groups: 2, activation: .tanh) - target)
                    .squared().sum()
            }
            // Transposed: weight [Cin_T = 4, Cout_T / 2 = 3, 3, 3] → 6 output channels.
            let xt = Tensor.normal([2, 4, 3, 4], using: &rng)
            let wt = Tensor.normal([4, 3, 3, 3], std: 0.3, using: &rng)
            let bt = Tensor.normal([6], using: &rng)
            let targetT = Tensor.normal([2, 6, 6, 8], using: &rng)
            checkGradients([xt, wt, bt]) { t in
                (convTranspose2d(t[0], weight: t[1], bias: t[2], stride: (2, 2), padding: (1, 1), outputPadding: (1, 1),
                                 groups: 2, activation: .sigmoid) - targetT).squared().sum()
            }
        }
    }

    /// Groups are independent convolutions on channel slices, concatenated.
    func testEqualsOneConvolutionPerGroup() {
        Engine.withBackend(.reference) {
            var rng = RandomSource(seed: 12)
            let x = Tensor.normal([2, 6, 7, 5], using: &rng)
            let w = Tensor.normal([9, 2, 3, 3], using: &rng)
            let b = Tensor.normal([9], using: &rng)
            let grouped = conv2d(x, weight: w, bias: b, padding: .same, groups: 3)
            let pieces = (0..<3).map { g in
                conv2d(x.channels(2 * g..<2 * g + 2), weight: w.slice(axis: 0, range: 3 * g..<3 * g + 3),
                       bias: b.slice(axis: 0, range: 3 * g..<3 * g + 3), padding: .same)
            }
            assertClose(grouped.toArray(), concat(pieces, axis: 1).toArray(), tolerance: 1e-5)
        }
    }

    func testOneDNNAgreesWithReference() {
        var rng = RandomSource(seed: 13)
        // 32 → 48 channels in 2 groups (blocked activations, 16-channel groups), and 32 → 32 in
        // 4 groups of 8 channels (groups smaller than the 16-channel block).
        for (cout, groups) in [(48, 2), (32, 4)] {
            let x = Tensor.normal([2, 32, 9, 7], using: &rng)
            let w = Tensor.normal([cout, 32 / groups, 3, 3], std: 0.2, using: &rng)
            let b = Tensor.normal([cout], using: &rng)
            let wt = Tensor.normal([32, cout / groups, 3, 3], std: 0.2, using: &rng)
            let bt = Tensor.normal([cout], using: &rng)
            for input in [x, x.blocked()] {
                func run(_ backend: Backend) -> [[Float]] {
                    Engine.withBackend(backend) {
                        let leaves = [input.detached(), w.detached(), b.detached(), wt.detached(), bt.detached()]
                        leaves.forEach { $0.requiresGrad = true }
                        let y = conv2d(leaves[0], weight: leaves[1], bias: leaves[2], stride: (2, 1), padding: .symmetric(1),
                                       groups: groups, activation: .relu)
                        let z = convTranspose2d(leaves[0], weight: leaves[3], bias: leaves[4], stride: (2, 2), padding: (1, 1),
                                                groups: groups)
                        (y.squared().sum() + (z * z.detached()).sum()).backward()
                        return [y.toArray(), z.toArray()] + leaves.map { $0.grad!.toArray() }
                    }
                }
                let (reference, dnnl) = (run(.reference), run(.dnnl))
                for (k, (r, d)) in zip(reference, dnnl).enumerated() {
                    let scale = max(1, r.map(abs).max() ?? 0)
                    assertClose(d, r, tolerance: 1e-4 * scale, "\(cout)/\(groups) groups, \(input.layout), result \(k)")
                }
            }
        }
    }
}
