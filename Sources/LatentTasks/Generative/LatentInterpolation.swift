import Foundation
import LatentImage
import LatentTensor

/// `latent interpolate`: a walk between two codes, decoded into a strip of images.
public enum LatentInterpolation {
    /// Spherical interpolation (Shoemake's slerp, as White 2016 recommends for Gaussian
    /// latents): a straight line between two N(0, I) codes passes near the origin, where the
    /// prior has almost no mass in high dimensions and the decoder produces washed-out images;
    /// the great-circle path keeps the norm typical. Falls back to linear when a and b are
    /// (nearly) parallel.
    public static func slerp(_ a: [Float], _ b: [Float], _ t: Float) -> [Float] {
        let dot = zip(a, b).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        let na = a.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        let nb = b.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        let cosine = min(max(dot / max(na * nb, 1e-12), -1), 1)
        let omega = acos(cosine)
        guard sin(omega) > 1e-6 else { return lerp(a, b, t) }
        let (wa, wb) = (sin((1 - Double(t)) * omega) / sin(omega), sin(Double(t) * omega) / sin(omega))
        return zip(a, b).map { Float(wa * Double($0) + wb * Double($1)) }
    }

    public static func lerp(_ a: [Float], _ b: [Float], _ t: Float) -> [Float] {
        zip(a, b).map { $0 + t * ($1 - $0) }
    }

    /// How an end point is given: an image to encode (autoencoders) or a seed (GAN).
    public enum EndPoint {
        case image(String)
        case seed(UInt64)
    }

    /// The code of an end point: the posterior mean of an image, or the seed's first sample.
    public static func code(of end: EndPoint, model: GenerativeModel) throws -> [Float] {
        switch end {
        case .image(let path): return try model.encode(model.loadImages([path])).toArray()
        case .seed(let seed): return model.sampleCodes(count: 1, seed: seed).toArray()
        }
    }

    /// `steps` images from a to b inclusive (slerp for Gaussian latents, lerp for the plain
    /// autoencoder), tiled in one row; returns the strip.
    public static func strip(_ model: GenerativeModel, from a: EndPoint, to b: EndPoint, steps: Int) throws -> Image {
        precondition(steps >= 2, "an interpolation needs at least its two ends")
        let (za, zb) = (try code(of: a, model: model), try code(of: b, model: model))
        var codes: [Float] = []
        for k in 0..<steps {
            let t = Float(k) / Float(steps - 1)
            codes += model.hasGaussianLatents ? slerp(za, zb, t) : lerp(za, zb, t)
        }
        let images = ImageGrid.images(model.decode(Tensor(codes, shape: [steps, model.latentDim])))
        return ImageGrid.tile(images, rows: 1, columns: steps)
    }
}
