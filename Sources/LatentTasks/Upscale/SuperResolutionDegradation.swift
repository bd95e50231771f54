import LatentImage

/// How low-resolution inputs are made from high-resolution originals, as the super-resolution
/// literature does (shared/datasets/README.md), for training and for evaluation alike:
/// crop to a multiple of the scale, downscale with antialiased bicubic (Pillow's BICUBIC,
/// MATLAB's imresize), store on the 8-bit grid as an input file would be.
public enum SuperResolutionDegradation {
    /// The top-left `W − W mod s` × `H − H mod s` pixels ("modcrop").
    public static func cropToMultiple(_ image: Image, of scale: Int) -> Image {
        let (w, h) = (image.width / scale * scale, image.height / scale * scale)
        guard w != image.width || h != image.height else { return image }
        let samples = image.withUnsafeBufferPointer {
            ReflectPadding.crop($0, channels: image.channelCount, width: image.width, height: image.height,
                                x0: 0, y0: 0, cropWidth: w, cropHeight: h)
        }
        return image.replacing(width: w, height: h, samples: samples)
    }

    /// `original` (sides multiples of `scale`) downscaled by `scale` and rounded to 8 bits.
    public static func lowResolution(_ original: Image, scale: Int) -> Image {
        precondition(original.width % scale == 0 && original.height % scale == 0, "crop to a multiple of the scale first")
        let small = original.resized(width: original.width / scale, height: original.height / scale)
        return small.replacing(samples: small.samples.map { min(max(($0 * 255).rounded(), 0), 255) / 255 })
    }
}
