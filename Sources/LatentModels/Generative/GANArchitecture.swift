/// The shape of a DCGAN-style generator and discriminator pair (`kind` "gan"), stored as
/// JSON in the weights' metadata (`latent.architecture`).
public struct GANArchitecture: Codable, Equatable, Sendable {
    /// Always "gan".
    public var kind: String = GANArchitecture.kindName
    /// Side of the square images, in pixels; a multiple of 2^widths.count.
    public var imageSize: Int
    /// 1 (gray) or 3 (RGB).
    public var channels: Int
    /// Dimensions of the noise vector z ~ N(0, I).
    public var latentDim: Int
    /// Feature widths, finest first. The discriminator walks them in this order (one 4×4
    /// stride-2 convolution each); the generator walks them backwards.
    public var widths: [Int]

    public static let kindName = "gan"

    public init(imageSize: Int, channels: Int, latentDim: Int = 64, widths: [Int] = [32, 64, 128]) {
        self.imageSize = imageSize
        self.channels = channels
        self.latentDim = latentDim
        self.widths = widths
    }

    /// Side of the generator's first feature map and of the discriminator's last one.
    public var bottomSize: Int { imageSize >> widths.count }

    /// Why these hyper-parameters cannot make a network, or nil when they can.
    public var problem: String? {
        if kind != GANArchitecture.kindName { return "kind \"\(kind)\" is not \"gan\"" }
        return GenerativeGeometry.problem(imageSize: imageSize, channels: channels, latentDim: latentDim, widths: widths)
    }
}
