import LatentImage

/// The shared body of same-channel image-to-image clients (denoise, upscale): picks a
/// `PlaneModel` for the image's colour, runs it in tiles on the colour planes, and handles alpha
/// separately — kept as it is when the size does not change, resized bicubically otherwise.
///
/// Colour and model channels need not match: a gray model runs on an RGB image as
/// `grayModelOnColor` says (each plane in turn, or luma with bicubic chroma); an RGB model gets a
/// gray image as three equal planes and its result is turned back into gray (BT.601), so the
/// output always has the input's colour layout.
public final class ImageToImageTask: BatchTask {
    /// How a 1-channel model meets an RGB image.
    public enum GrayModelOnColor: Sendable {
        /// The model runs on R, G and B in turn (denoising: every plane carries noise alike).
        case eachPlane
        /// The model runs on luma (Y of full-range BT.601 YCbCr) and the chroma planes are
        /// resized bicubically (super-resolution: the detail the eye sees is in luma).
        case lumaWithBicubicChroma
    }

    /// Chooses the model for an image with this many colour channels (1 or 3); may load lazily
    /// and throw, e.g. when the default model for gray images is not installed.
    public typealias ModelChoice = (_ colorChannels: Int) throws -> PlaneModel

    public let outputKind = BatchOutputKind.image
    public let outputScale: Int
    public let keepsAlpha = true
    private let chooseModel: ModelChoice
    private let tileSize: Int?
    private let activationBudget: Int
    private let grayModelOnColor: GrayModelOnColor

    /// - Parameters:
    ///   - scale: the models' `tileRequirements.scale` (checked per image).
    ///   - tileSize: core tile side (`--tile`); nil picks the largest that fits `activationBudget`.
    public init(scale: Int = 1, tileSize: Int?, activationBudget: Int, grayModelOnColor: GrayModelOnColor = .eachPlane,
                chooseModel: @escaping ModelChoice) {
        self.outputScale = scale
        self.tileSize = tileSize
        self.activationBudget = activationBudget
        self.grayModelOnColor = grayModelOnColor
        self.chooseModel = chooseModel
    }

    /// The tiler this task uses for `model`.
    public func tiler(for model: PlaneModel) -> TiledInference {
        TiledInference(tileSize: tileSize ?? TiledInference.tileSize(forBudget: activationBudget, model: model),
                       requirements: model.tileRequirements)
    }

    public func process(_ image: Image, progress: (Double) -> Void) throws -> BatchProduct {
        let (color, alpha) = image.splittingAlpha()
        let model = try chooseModel(color.layout.colorChannelCount)
        let s = model.tileRequirements.scale
        guard s == outputScale, model.inputChannels == model.outputChannels, [1, 3].contains(model.inputChannels) else {
            throw TaskError.invalidOption("model maps \(model.inputChannels) to \(model.outputChannels) channels at ×\(s); this task needs ×\(outputScale) gray or RGB")
        }
        let tiler = tiler(for: model)
        let (w, h, n) = (color.width, color.height, color.pixelCount)
        var planes: [Float]
        switch (color.layout.colorChannelCount, model.inputChannels) {
        case (3, 1) where grayModelOnColor == .lumaWithBicubicChroma:
            planes = Self.lumaWithBicubicChroma(color, scale: s) { luma in
                tiler.apply(model, planes: luma, width: w, height: h, progress: progress)
            }
        case (3, 1):
            planes = []
            planes.reserveCapacity(3 * n * s * s)
            for c in 0..<3 {
                planes += color.withUnsafeBufferPointer { all in
                    tiler.apply(model, planes: UnsafeBufferPointer(rebasing: all[(c * n)..<((c + 1) * n)]), width: w, height: h) {
                        progress((Double(c) + $0) / 3)
                    }
                }
            }
        case (1, 3):
            let rgb = color.rgb().withUnsafeBufferPointer { tiler.apply(model, planes: $0, width: w, height: h, progress: progress) }
            let outN = n * s * s
            planes = [Float](unsafeUninitializedCapacity: outN) { gray, initialized in
                rgb.withUnsafeBufferPointer { ColorSpace.rgbToGray($0, into: gray, pixelCount: outN) }
                initialized = outN
            }
        default:
            planes = color.withUnsafeBufferPointer { tiler.apply(model, planes: $0, width: w, height: h, progress: progress) }
        }
        Self.clampToUnit(&planes)
        var result = color.replacing(width: w * s, height: h * s, samples: planes)
        if let alpha {
            result = result.attachingAlpha(s == 1 ? alpha : Self.resizedAlpha(alpha, width: w, height: h, scale: s))
        }
        return .image(result)
    }

    /// RGB planes of `color` scaled by `scale`: `runOnLuma` maps the Y plane ([H, W]) to
    /// [H·s, W·s]; Cb and Cr are resized with the same antialiased bicubic as alpha.
    static func lumaWithBicubicChroma(_ color: Image, scale s: Int,
                                      runOnLuma: (UnsafeBufferPointer<Float>) -> [Float]) -> [Float] {
        let (w, h, n) = (color.width, color.height, color.pixelCount)
        let ycc = color.convertedColorPlanes(ColorSpace.rgbToYCbCr)
        let luma = ycc.withUnsafeBufferPointer { runOnLuma(UnsafeBufferPointer(rebasing: $0[..<n])) }
        let outN = n * s * s
        precondition(luma.count == outN, "the luma model returned \(luma.count) samples, expected \(outN)")
        let chroma = s == 1 ? Array(ycc[n...]) : ycc.withUnsafeBufferPointer {
            Resize.bicubic(UnsafeBufferPointer(rebasing: $0[n...]), channels: 2, width: w, height: h,
                           newWidth: w * s, newHeight: h * s)
        }
        let upscaled = luma + chroma
        return [Float](unsafeUninitializedCapacity: 3 * outN) { rgb, initialized in
            upscaled.withUnsafeBufferPointer { ColorSpace.yCbCrToRGB($0, into: rgb, pixelCount: outN) }
            initialized = 3 * outN
        }
    }

    /// In place, so a large result is not copied once more.
    static func clampToUnit(_ samples: inout [Float]) {
        samples.withUnsafeMutableBufferPointer { buffer in
            for i in buffer.indices { buffer[i] = min(max(buffer[i], 0), 1) }
        }
    }

    /// Bicubic, clamped (bicubic overshoots at hard edges, and alpha must stay in [0, 1]).
    static func resizedAlpha(_ alpha: [Float], width: Int, height: Int, scale: Int) -> [Float] {
        var resized = Image(width: width, height: height, layout: .gray, samples: alpha)
            .resized(width: width * scale, height: height * scale).samples
        clampToUnit(&resized)
        return resized
    }
}
