import LatentImage
import LatentTensor

/// Cuts random square patches with a random flip/rotation (one of the 8 symmetries of the
/// square, or only left–right mirroring) from a set of images, into a batch tensor.
public struct PatchSampler {
    /// Which transforms augment the patches.
    public enum Symmetries: Sendable {
        /// The 8 symmetries of the square (noise has no up or down).
        case all
        /// Identity or left–right mirror: for tasks where up matters (colour: sky is above).
        case mirror
    }

    public let images: [Image]
    public let patchSize: Int
    public let symmetries: Symmetries

    public init(images: [Image], patchSize: Int, symmetries: Symmetries = .all) {
        precondition(!images.isEmpty, "no images to sample from")
        self.images = images
        self.patchSize = patchSize
        self.symmetries = symmetries
    }

    /// A batch [N, C, P, P] of patches. Draws from `rng` in a fixed order, so a resumed run
    /// that restores the generator's state continues with the very same patches.
    public func batch(_ count: Int, using rng: inout RandomSource) -> Tensor {
        let channels = images[0].channelCount
        let p = patchSize
        let out = Tensor.empty([count, channels, p, p])
        out.withUnsafeMutableBufferPointer { dst in
            for n in 0..<count {
                let image = images[rng.index(below: images.count)]
                let x0 = rng.index(below: image.width - p + 1)
                let y0 = rng.index(below: image.height - p + 1)
                let symmetry = symmetries == .all ? rng.index(below: 8) : rng.index(below: 2)
                Self.cut(image, x0: x0, y0: y0, size: p, symmetry: symmetry, into: dst.baseAddress! + n * channels * p * p)
            }
        }
        return out
    }

    /// Copies the `size`×`size` crop at (x0, y0) of every channel of `image`, transformed by
    /// `symmetry` (bit 0: mirror x, bit 1: mirror y, bit 2: transpose), to `dst` as [C, size, size].
    static func cut(_ image: Image, x0: Int, y0: Int, size p: Int, symmetry: Int, into dst: UnsafeMutablePointer<Float>) {
        image.withUnsafeBufferPointer { src in
            for c in 0..<image.channelCount {
                let plane = c * image.width * image.height
                let base = c * p * p
                for y in 0..<p {
                    for x in 0..<p {
                        // (u, v): where output pixel (x, y) comes from in the crop.
                        var (u, v) = (x, y)
                        if symmetry & 1 != 0 { u = p - 1 - u }
                        if symmetry & 2 != 0 { v = p - 1 - v }
                        if symmetry & 4 != 0 { swap(&u, &v) }
                        dst[base + y * p + x] = src[plane + (y0 + v) * image.width + x0 + u]
                    }
                }
            }
        }
    }
}
