import LatentImage
import LatentTensor

/// Cuts aligned pairs of random patches from low- and high-resolution versions of the same
/// images (super-resolution training): a `lowPatch`-sided patch at (x, y) of the small image and
/// the `lowPatch·scale`-sided patch at (x·scale, y·scale) of the large one, both with the same
/// random flip/rotation (which commutes with the symmetric bicubic downscale).
public struct PatchPairSampler {
    public let low: [Image]
    public let high: [Image]
    public let scale: Int
    public let lowPatch: Int

    public init(low: [Image], high: [Image], scale: Int, lowPatch: Int) {
        precondition(!low.isEmpty && low.count == high.count, "no image pairs to sample from")
        precondition(zip(low, high).allSatisfy { $0.width * scale == $1.width && $0.height * scale == $1.height },
                     "high-resolution images must be exactly `scale` times the low-resolution ones")
        precondition(low.allSatisfy { $0.width >= lowPatch && $0.height >= lowPatch }, "images smaller than the patch")
        self.low = low
        self.high = high
        self.scale = scale
        self.lowPatch = lowPatch
    }

    /// (low [N, C, p, p], high [N, C, p·s, p·s]). Draws from `rng` in a fixed order (image,
    /// x, y, symmetry per patch), so a resumed run continues with the very same patches.
    public func batch(_ count: Int, using rng: inout RandomSource) -> (low: Tensor, high: Tensor) {
        let channels = low[0].channelCount
        let (p, q) = (lowPatch, lowPatch * scale)
        let small = Tensor.empty([count, channels, p, p]), large = Tensor.empty([count, channels, q, q])
        small.withUnsafeMutableBufferPointer { lowBatch in
            large.withUnsafeMutableBufferPointer { highBatch in
                for n in 0..<count {
                    let k = rng.index(below: low.count)
                    let x0 = rng.index(below: low[k].width - p + 1)
                    let y0 = rng.index(below: low[k].height - p + 1)
                    let symmetry = rng.index(below: 8)
                    PatchSampler.cut(low[k], x0: x0, y0: y0, size: p, symmetry: symmetry,
                                     into: lowBatch.baseAddress! + n * channels * p * p)
                    PatchSampler.cut(high[k], x0: x0 * scale, y0: y0 * scale, size: q, symmetry: symmetry,
                                     into: highBatch.baseAddress! + n * channels * q * q)
                }
            }
        }
        return (small, large)
    }
}
