/// The shape of a convolutional autoencoder, variational (`kind` "vae") or plain ("ae"),
/// stored as JSON in the weights' metadata (`latent.architecture`).
///
/// Both kinds share the encoder and the decoder; the VAE adds a second head for log σ² and
/// samples its code, the plain autoencoder uses the mean head's output as the code directly.
/// Keeping them identical otherwise is what makes the "VAE vs AE latent space" comparison fair.
public struct AutoencoderArchitecture: Codable, Equatable, Sendable {
    /// "vae" or "ae".
    public var kind: String
    /// Side of the square images, in pixels; a multiple of 2^widths.count.
    public var imageSize: Int
    /// 1 (gray) or 3 (RGB).
    public var channels: Int
    /// Dimensions of the latent code z.
    public var latentDim: Int
    /// Encoder feature widths, finest first; each entry is one 4×4 stride-2 convolution, so
    /// the encoder halves the side `widths.count` times. The decoder mirrors them.
    public var widths: [Int]

    public static let variationalKind = "vae"
    public static let plainKind = "ae"

    public init(kind: String = AutoencoderArchitecture.variationalKind, imageSize: Int, channels: Int,
                latentDim: Int = 32, widths: [Int] = [32, 64, 128]) {
        self.kind = kind
        self.imageSize = imageSize
        self.channels = channels
        self.latentDim = latentDim
        self.widths = widths
    }

    public var isVariational: Bool { kind == AutoencoderArchitecture.variationalKind }

    /// Side of the feature map at the bottom of the encoder (6 for 48 px and three levels).
    public var bottomSize: Int { imageSize >> widths.count }

    /// Why these hyper-parameters cannot make a network, or nil when they can.
    public var problem: String? {
        if kind != AutoencoderArchitecture.variationalKind && kind != AutoencoderArchitecture.plainKind {
            return "kind \"\(kind)\" is neither \"vae\" nor \"ae\""
        }
        return GenerativeGeometry.problem(imageSize: imageSize, channels: channels, latentDim: latentDim, widths: widths)
    }
}
