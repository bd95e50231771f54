import LatentTensor

/// Synthetic Gaussian noise on the 8-bit grid, as the denoising literature defines it:
/// noisy = clip(round(clean + N(0, σ²)), 0, 255) with σ on the 0–255 scale
/// (see shared/datasets/README.md). Samples are in [0, 1].
public enum GaussianNoise {
    /// Adds noise with one σ per image of the batch. clean: [N, C, H, W]
    public static func apply(_ clean: Tensor, sigmas: [Float], using rng: inout RandomSource) -> Tensor {
        let n = clean.shape[0]
        precondition(sigmas.count == n, "\(sigmas.count) noise levels for a batch of \(n)")
        let perImage = clean.count / max(n, 1)
        let noisy = Tensor.empty(clean.shape)
        clean.withUnsafeBufferPointer { src in
            noisy.withUnsafeMutableBufferPointer { dst in
                for i in 0..<n {
                    let sigma = sigmas[i]
                    for k in i * perImage..<(i + 1) * perImage {
                        let value = (src[k] * 255).rounded() + sigma * rng.normal()
                        dst[k] = min(max(value.rounded(), 0), 255) / 255
                    }
                }
            }
        }
        return noisy
    }
}
