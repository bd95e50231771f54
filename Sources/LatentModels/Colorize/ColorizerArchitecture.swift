/// The shape of a colorization network, stored as JSON in the weights' metadata
/// (`latent.architecture`, kind "colorize-unet") so that Latent and a short PyTorch script can
/// rebuild it. See docs/model-format.md.
///
/// The network sees CIE L* (normalised to (L − 50) / 50) at a working resolution and predicts,
/// at `outputStride` times fewer pixels per side, logits over `bins`: quantised (a*, b*) colours.
/// The colour is read out as the annealed mean of the bins (Zhang, Isola & Efros 2016).
public struct ColorizerArchitecture: Codable, Equatable, Sendable {
    /// Always "colorize-unet".
    public var kind: String = ColorizerArchitecture.kindName
    /// Pixel-unshuffle factor applied to L, so that the first convolution already runs at
    /// reduced resolution.
    public var unshuffle: Int = 2
    /// Feature widths per level, finest first; level i works at stride unshuffle·2^i.
    public var widths: [Int] = [32, 64, 128, 256]
    /// 3×3 convolutions per encoder level (the last entry is the bottleneck).
    public var encoderConvs: [Int] = [1, 2, 2, 3]
    /// Dilation of each bottleneck convolution (as many as `encoderConvs.last`): global context
    /// at little cost.
    public var bottleneckDilations: [Int] = [1, 2, 4]
    /// The level whose resolution the logits have (the decoder climbs back up to it).
    public var outputLevel: Int = 1
    /// 3×3 convolutions per decoder level, for levels outputLevel ..< widths.count − 1, finest first.
    public var decoderConvs: [Int] = [1, 1]
    /// Side of the square ab bins (the quantisation step), for the record.
    public var binSize: Float = 10
    /// The (a*, b*) centre of each output class, in order.
    public var bins: [[Float]]
    /// Annealed-mean temperature T of the readout: softmax(z / T) weights the bin centres.
    /// T = 1 is the plain mean (safe, desaturated), T → 0 the mode (vivid, noisier).
    public var temperature: Float = 0.38

    public static let kindName = "colorize-unet"

    public init(bins: [[Float]], binSize: Float = 10, unshuffle: Int = 2, widths: [Int] = [32, 64, 128, 256],
                encoderConvs: [Int] = [1, 2, 2, 3], bottleneckDilations: [Int] = [1, 2, 4], outputLevel: Int = 1,
                decoderConvs: [Int] = [1, 1], temperature: Float = 0.38) {
        self.bins = bins
        self.binSize = binSize
        self.unshuffle = unshuffle
        self.widths = widths
        self.encoderConvs = encoderConvs
        self.bottleneckDilations = bottleneckDilations
        self.outputLevel = outputLevel
        self.decoderConvs = decoderConvs
        self.temperature = temperature
    }

    /// The default shape for `widths.count` ≥ 2 levels: one 3×3 convolution at the first level,
    /// two at the middle ones, a bottleneck of three dilated by 1, 2, 4; logits at level 1 (level 0
    /// for two levels), one decoder convolution per level above it. For four levels these are the
    /// defaults above.
    public static func standard(bins: [[Float]], binSize: Float, widths: [Int], temperature: Float = 0.38) -> ColorizerArchitecture {
        precondition(widths.count >= 2, "colorize-unet needs at least two levels")
        let outputLevel = widths.count >= 3 ? 1 : 0
        return ColorizerArchitecture(bins: bins, binSize: binSize, widths: widths,
                                     encoderConvs: [1] + Array(repeating: 2, count: widths.count - 2) + [3],
                                     bottleneckDilations: [1, 2, 4], outputLevel: outputLevel,
                                     decoderConvs: Array(repeating: 1, count: widths.count - 1 - outputLevel),
                                     temperature: temperature)
    }

    /// Why this architecture cannot be built, or nil when it can.
    public var problem: String? {
        if unshuffle < 1 { return "unshuffle must be at least 1" }
        if widths.isEmpty || widths.contains(where: { $0 < 1 }) { return "widths must be positive" }
        if encoderConvs.count != widths.count || encoderConvs.contains(where: { $0 < 0 }) {
            return "encoderConvs needs \(widths.count) non-negative counts"
        }
        if bottleneckDilations.count != encoderConvs.last! || bottleneckDilations.contains(where: { $0 < 1 }) {
            return "bottleneckDilations needs \(encoderConvs.last!) positive dilations"
        }
        if !(0..<widths.count).contains(outputLevel) { return "outputLevel must be in 0..<\(widths.count)" }
        if decoderConvs.count != widths.count - 1 - outputLevel || decoderConvs.contains(where: { $0 < 0 }) {
            return "decoderConvs needs \(widths.count - 1 - outputLevel) non-negative counts"
        }
        if bins.count < 2 || bins.contains(where: { $0.count != 2 }) { return "bins must be at least two (a, b) pairs" }
        if !(temperature > 0) { return "temperature must be positive" }
        return nil
    }

    public var classCount: Int { bins.count }

    /// Working-resolution sizes must be multiples of this.
    public var totalStride: Int { unshuffle << (widths.count - 1) }

    /// Working-resolution pixels per logit along each side.
    public var outputStride: Int { unshuffle << outputLevel }

    /// Multiply–adds × 2 per working-resolution pixel, for the model card and the speed budget.
    public var flopsPerPixel: Double {
        var perPixel = 0.0
        var area = 1.0 / Double(unshuffle * unshuffle)  // fraction of input pixels at this level
        perPixel += 2 * 9 * Double(unshuffle * unshuffle * widths[0]) * area  // head
        var areas: [Double] = []
        for level in widths.indices {
            areas.append(area)
            let w = Double(widths[level])
            perPixel += Double(encoderConvs[level]) * 2 * 9 * w * w * area
            if level + 1 < widths.count {
                perPixel += 2 * 4 * w * Double(widths[level + 1]) * area / 4  // 2×2 stride-2 down
            }
            area /= 4
        }
        for level in outputLevel..<(widths.count - 1) {
            let (w, next, a) = (Double(widths[level]), Double(widths[level + 1]), areas[level])
            perPixel += 2 * w * next * a  // 2×2 stride-2 transposed up (one tap per output)
            perPixel += Double(decoderConvs[level - outputLevel]) * 2 * 9 * w * w * a
        }
        perPixel += 2 * Double(widths[outputLevel] * classCount) * areas[outputLevel]  // 1×1 classifier
        return perPixel
    }
}
