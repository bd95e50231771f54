import LatentTensor

/// The shape of a denoising U-Net, stored as JSON in the weights' metadata
/// (`latent.architecture`) so that Latent and a short PyTorch script can rebuild it.
public struct DenoiserArchitecture: Codable, Equatable, Sendable {
    /// Always "denoise-unet".
    public var kind: String = DenoiserArchitecture.kindName
    /// Image channels: 1 (gray) or 3 (RGB).
    public var channels: Int
    /// Pixel-unshuffle factor applied to the input, so that the first convolutions already
    /// run at reduced resolution (as FFDNet does).
    public var unshuffle: Int = 2
    /// Feature widths per level, finest first; each level below the first halves the resolution.
    public var widths: [Int] = [48, 96, 192]
    /// 3×3 convolutions per encoder level (the last entry is the bottleneck).
    public var encoderConvs: [Int] = [1, 2, 3]
    /// 3×3 convolutions per decoder level, finest first (one fewer entry than `widths`).
    public var decoderConvs: [Int] = [1, 1]
    /// Slope of the activation for negative inputs: 0 is ReLU, above 0 LeakyReLU. Plain ReLU
    /// let most units of the v1 models die during training (70–90% of the channels at the
    /// coarse levels never fired on the dev set), which capped them near 28 dB; a leaky slope
    /// keeps every unit trainable. Files written before this field existed mean ReLU.
    public var negativeSlope: Float = 0
    /// Whether the encoder and decoder stages are residual: their convolutions then go in pairs,
    /// h + conv(act(conv(h))) (see `ConvStage`), so every count must be even. Files written
    /// before this field existed are plain.
    public var residual: Bool = false

    public static let kindName = "denoise-unet"

    public init(channels: Int, unshuffle: Int = 2, widths: [Int] = [48, 96, 192],
                encoderConvs: [Int] = [1, 2, 3], decoderConvs: [Int] = [1, 1], negativeSlope: Float = 0,
                residual: Bool = false) {
        self.channels = channels
        self.unshuffle = unshuffle
        self.widths = widths
        self.encoderConvs = encoderConvs
        self.decoderConvs = decoderConvs
        self.negativeSlope = negativeSlope
        self.residual = residual
    }

    private enum CodingKeys: String, CodingKey {
        case kind, channels, unshuffle, widths, encoderConvs, decoderConvs, negativeSlope, residual
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kind = try c.decode(String.self, forKey: .kind)
        channels = try c.decode(Int.self, forKey: .channels)
        unshuffle = try c.decode(Int.self, forKey: .unshuffle)
        widths = try c.decode([Int].self, forKey: .widths)
        encoderConvs = try c.decode([Int].self, forKey: .encoderConvs)
        decoderConvs = try c.decode([Int].self, forKey: .decoderConvs)
        negativeSlope = try c.decodeIfPresent(Float.self, forKey: .negativeSlope) ?? 0
        residual = try c.decodeIfPresent(Bool.self, forKey: .residual) ?? false
        if residual, let odd = (encoderConvs + decoderConvs).first(where: { $0 % 2 != 0 }) {
            throw DecodingError.dataCorruptedError(forKey: .residual, in: c,
                debugDescription: "a residual denoise-unet needs even convolution counts (pairs), found \(odd)")
        }
    }

    /// The activation after every convolution but the tail.
    public var activation: Activation { negativeSlope == 0 ? .relu : .leakyReLU(negativeSlope) }

    /// Input sizes must be multiples of this (the apply code pads to it).
    public var totalStride: Int { unshuffle << (widths.count - 1) }

    /// How far, in input pixels, an output pixel can see: an upper bound on the receptive-field
    /// radius. Tiles need at least this much context on each side so that tiled and whole-image
    /// results agree. Each 3×3 convolution at a level where one feature covers `f` input pixels
    /// reaches `f` further; a 2×2 stride-2 convolution reaches `f`; a 2×2 stride-2 transposed
    /// convolution maps one coarse cell (2f wide) to its outputs, so it can add up to `2f`;
    /// the unshuffle block adds `unshuffle − 1`.
    public var receptiveFieldRadius: Int {
        var radius = (unshuffle - 1) + unshuffle  // block + head
        for level in widths.indices {
            let f = unshuffle << level
            radius += encoderConvs[level] * f
            if level + 1 < widths.count {
                radius += f  // down
                radius += 2 * f  // up (from the coarser level)
                radius += decoderConvs[level] * f
            }
        }
        return radius + unshuffle  // tail
    }

    /// Multiply–adds × 2 per input pixel, for the model card and the speed budget.
    public var flopsPerPixel: Double {
        let packed = channels * unshuffle * unshuffle
        var perPixel = 0.0
        var area = 1.0 / Double(unshuffle * unshuffle)  // fraction of input pixels at this level
        perPixel += 2 * 9 * Double(packed * widths[0]) * area  // head
        for level in widths.indices {
            let w = Double(widths[level])
            perPixel += Double(encoderConvs[level]) * 2 * 9 * w * w * area
            if level + 1 < widths.count {
                let next = Double(widths[level + 1])
                perPixel += 2 * 4 * w * next * area / 4  // 2×2 stride-2 down
                perPixel += 2 * w * next * area          // 2×2 stride-2 transposed up (one tap per output)
                perPixel += Double(decoderConvs[level]) * 2 * 9 * w * w * area
            }
            area /= 4
        }
        perPixel += 2 * 9 * Double(widths[0] * packed) / Double(unshuffle * unshuffle)  // tail
        return perPixel
    }
}
