/// The shape of an upscaling network, stored as JSON in the weights' metadata
/// (`latent.architecture`) so that Latent and a short PyTorch script can rebuild it.
///
/// An autoencoder in the FSRCNN mould, all of whose work happens at the low resolution: a 5×5
/// convolution extracts `features` channels, a 1×1 convolution compresses them to a compact code
/// of `code` channels, `mapping` 3×3 convolutions transform the code, a 1×1 convolution expands it
/// back to `features` channels, and a 3×3 convolution to `channels · scale²` channels followed by
/// a pixel shuffle is the learned upsampling. What it predicts is the detail that bicubic
/// upsampling misses: the model's output is `bicubic(x) + network(x)` (global residual).
public struct UpscalerArchitecture: Codable, Equatable, Sendable {
    /// Always "upscale-net".
    public var kind: String = UpscalerArchitecture.kindName
    /// Planes the network sees: 1 (luma; colour images get their chroma upsampled bicubically)
    /// or 3 (RGB).
    public var channels: Int
    /// Output pixels per input pixel along each side.
    public var scale: Int
    /// Channels of the feature maps the head extracts and the expansion restores.
    public var features: Int = 48
    /// Channels of the compact code between the 1×1 shrink and expand layers.
    public var code: Int = 32
    /// 3×3 convolutions on the code.
    public var mapping: Int = 3

    public static let kindName = "upscale-net"
    /// The head's kernel side (fixed: a wide first layer is cheap with 1 or 3 input planes).
    public static let headKernel = 5

    public init(channels: Int, scale: Int, features: Int = 48, code: Int = 32, mapping: Int = 3) {
        self.channels = channels
        self.scale = scale
        self.features = features
        self.code = code
        self.mapping = mapping
    }

    /// Why this architecture cannot be built, if it cannot.
    public var problem: String? {
        if ![1, 3].contains(channels) { return "channels must be 1 or 3, got \(channels)" }
        if !(2...8).contains(scale) { return "scale must be 2…8, got \(scale)" }
        if features < 1 || code < 1 || mapping < 0 { return "features and code must be positive and mapping non-negative" }
        return nil
    }

    /// How far, in input pixels, an output pixel can see: head 2, each mapping convolution 1,
    /// the upsampling convolution 1 (1×1 layers and the shuffle add nothing). The bicubic base
    /// reaches 2 input pixels, which the head alone already covers.
    public var receptiveFieldRadius: Int {
        UpscalerArchitecture.headKernel / 2 + mapping + 1
    }

    /// Multiply–adds × 2 per input (low-resolution) pixel, for the model card and the speed budget;
    /// divide by scale² for the cost per output pixel. The bicubic base is not counted.
    public var flopsPerInputPixel: Double {
        let k = Double(UpscalerArchitecture.headKernel * UpscalerArchitecture.headKernel)
        let (c, f, d) = (Double(channels), Double(features), Double(code))
        let head = 2 * k * c * f
        let shrink = 2 * f * d
        let body = Double(mapping) * 2 * 9 * d * d
        let expand = 2 * d * f
        let upsample = 2 * 9 * f * c * Double(scale * scale)
        return head + shrink + body + expand + upsample
    }
}
