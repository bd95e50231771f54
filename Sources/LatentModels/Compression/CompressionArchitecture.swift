/// The shape of a learned image codec with a factorized prior (Ballé, Minnen, Singh, Hwang &
/// Johnston 2018, "bmshj2018-factorized"), stored as JSON in the weights' metadata
/// (`latent.architecture`) so that Latent and a short PyTorch script can rebuild it.
public struct CompressionArchitecture: Codable, Equatable, Sendable {
    /// Always "compress-factorized".
    public var kind: String = CompressionArchitecture.kindName
    /// Image channels: 3 (RGB; gray images are coded as three equal planes).
    public var channels: Int = 3
    /// Feature channels N of the hidden layers of both transforms.
    public var width: Int = 128
    /// Channels M of the latent y (each gets its own learned density).
    public var latentChannels: Int = 192
    /// Side of every (transposed) convolution kernel; padding keeps "same" geometry.
    public var kernelSize: Int = 5
    /// Stride-2 stages of each transform: the latent is 2^levels times smaller per side.
    public var levels: Int = 4
    /// The non-linearity between stages: "gdn" (GDN in the analysis, IGDN in the synthesis) or
    /// "relu".
    public var activation: String = "gdn"
    /// Hidden widths of each channel's density network.
    public var densityFilters: [Int] = [3, 3, 3]

    public static let kindName = "compress-factorized"
    public static let activations = ["gdn", "relu"]

    public init(channels: Int = 3, width: Int = 128, latentChannels: Int = 192, kernelSize: Int = 5,
                levels: Int = 4, activation: String = "gdn", densityFilters: [Int] = [3, 3, 3]) {
        self.channels = channels
        self.width = width
        self.latentChannels = latentChannels
        self.kernelSize = kernelSize
        self.levels = levels
        self.activation = activation
        self.densityFilters = densityFilters
    }

    /// What is wrong with these hyper-parameters, or nil.
    public var problem: String? {
        if kind != Self.kindName { return "kind must be \(Self.kindName), not \(kind)" }
        if channels != 3 { return "channels must be 3" }
        if width < 1 || latentChannels < 1 { return "width and latentChannels must be positive" }
        if kernelSize < 2 || kernelSize % 2 == 0 { return "kernelSize must be odd and at least 3" }
        if !(1...6).contains(levels) { return "levels must be 1–6" }
        if !Self.activations.contains(activation) { return "activation must be one of \(Self.activations.joined(separator: ", "))" }
        if densityFilters.contains(where: { $0 < 1 }) { return "densityFilters must be positive" }
        return nil
    }

    /// Image sides are padded to a multiple of this before the analysis transform.
    public var totalStride: Int { 1 << levels }

    /// The latent's spatial size for an image of this size (after padding to `totalStride`).
    public func latentSize(width w: Int, height h: Int) -> (width: Int, height: Int) {
        ((w + totalStride - 1) / totalStride, (h + totalStride - 1) / totalStride)
    }

    /// Multiply–adds × 2 per image pixel of the analysis plus the synthesis transform (GDN's
    /// 1×1 convolutions included), for the model card and the speed budget.
    public var flopsPerPixel: Double {
        let k2 = Double(kernelSize * kernelSize)
        let n = Double(width), m = Double(latentChannels), c = Double(channels)
        var total = 0.0
        var area = 1.0
        for level in 0..<levels {
            area /= 4  // each stage's output has a quarter of the pixels of its input
            let inputs = level == 0 ? c : n
            let outputs = level == levels - 1 ? m : n
            total += 2 * 2 * k2 * inputs * outputs * area  // the convolution and its transpose
            if level < levels - 1 && activation == "gdn" { total += 2 * 2 * n * n * area }
        }
        return total
    }
}
