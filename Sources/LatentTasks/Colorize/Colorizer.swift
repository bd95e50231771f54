import Foundation
import LatentImage
import LatentModels
import LatentTensor

/// A trained colorization model ready to apply to images.
///
/// The network runs once per image at a working resolution (`renderSize` pixels on the short
/// side, like DeOldify's render factor): enough context to recognise what is in the picture,
/// and a cost that does not grow with the photo. Its ab, predicted at a quarter of that, is
/// resized bicubically to the original size and recombined with the original full-resolution
/// L, so no detail of the photo is lost — only colour, which is smooth, comes from the network.
public final class Colorizer {
    public let network: ColorizeNet
    public let path: String
    /// Short side of the working resolution.
    public var renderSize: Int
    /// Annealed-mean temperature of the readout (default: the model's).
    public var temperature: Float

    public static let defaultRenderSize = 256

    public init(modelPath: String, renderSize: Int = Colorizer.defaultRenderSize, temperature: Float? = nil) throws {
        let file = try ModelFile(path: modelPath)
        let kind = try file.kind
        guard kind == ColorizerArchitecture.kindName else {
            throw TaskError.wrongModelKind(model: modelPath, expected: ColorizerArchitecture.kindName, found: kind)
        }
        let architecture = try file.architecture(ColorizerArchitecture.self)
        if let problem = architecture.problem { throw ModelFileError(path: modelPath, reason: "colorize-unet: \(problem)") }
        network = ColorizeNet(architecture, seed: 0)
        try file.load(into: network)
        network.eval()
        path = modelPath
        self.renderSize = renderSize
        self.temperature = temperature ?? architecture.temperature
    }

    public init(network: ColorizeNet, path: String = "<memory>", renderSize: Int = Colorizer.defaultRenderSize,
                temperature: Float? = nil) {
        self.network = network
        self.path = path
        self.renderSize = renderSize
        self.temperature = temperature ?? network.architecture.temperature
    }

    /// The working size of a width×height image: the short side scaled to `renderSize`, the
    /// aspect ratio kept, both sides rounded to multiples of `alignment` (the network's stride);
    /// the long side is capped at 4·renderSize so that a panorama cannot exhaust memory.
    public static func workingSize(width: Int, height: Int, renderSize: Int, alignment: Int) -> (width: Int, height: Int) {
        let scale = Double(renderSize) / Double(max(min(width, height), 1))
        func side(_ v: Int) -> Int {
            let scaled = min(Double(v) * scale, Double(4 * renderSize))
            return max(alignment, Int((scaled / Double(alignment)).rounded()) * alignment)
        }
        return (side(width), side(height))
    }

    /// gray: [H, W] luma in [0, 1] (an sRGB gray) → RGB planes [3, H, W] in [0, 1]: the gray's
    /// CIE L* with the predicted a*, b*.
    public func colorize(gray: UnsafeBufferPointer<Float>, width: Int, height: Int) -> [Float] {
        precondition(gray.count == width * height, "gray plane does not match \(width)×\(height)")
        let a = network.architecture
        let (ww, wh) = Self.workingSize(width: width, height: height, renderSize: renderSize, alignment: a.totalStride)
        let small = Resize.bicubic(gray, channels: 1, width: width, height: height, newWidth: ww, newHeight: wh)
        let input = Self.lightness(small).map(ColorizeNet.normalizedLightness)
        let ab = Autograd.withoutGrad {
            network.ab(fromLogits: network(Tensor(input, shape: [1, 1, wh, ww])), temperature: temperature).toArray()
        }
        let (abWidth, abHeight) = (ww / a.outputStride, wh / a.outputStride)
        let fullAB = ab.withUnsafeBufferPointer {
            Resize.bicubic($0, channels: 2, width: abWidth, height: abHeight, newWidth: width, newHeight: height)
        }
        let n = width * height
        var lab = Self.lightness(Array(gray))
        lab += fullAB
        var rgb = [Float](repeating: 0, count: 3 * n)
        lab.withUnsafeBufferPointer { src in
            rgb.withUnsafeMutableBufferPointer { ColorSpace.labToRGB(src, into: $0, pixelCount: n) }
        }
        rgb.withUnsafeMutableBufferPointer { buffer in
            for i in buffer.indices { buffer[i] = min(max(buffer[i], 0), 1) }
        }
        return rgb
    }

    /// The colorized image: RGB (RGBA when the input had alpha, which is kept as it is). A colour
    /// input is reduced to its BT.601 luma first. Bit depth and orientation follow the input; a
    /// gray input's ICC profile is dropped (a gray profile cannot describe an RGB image).
    public func colorize(_ image: Image) -> Image {
        let (color, alpha) = image.splittingAlpha()
        let gray = color.grayscale()
        let rgb = gray.withUnsafeBufferPointer { colorize(gray: $0, width: gray.width, height: gray.height) }
        var result = gray.replacing(layout: .rgb, samples: rgb)
        if color.layout.colorChannelCount == 1 { result.iccProfile = nil }
        return alpha.map { result.attachingAlpha($0) } ?? result
    }

    /// CIE L* of an sRGB gray plane (the L of the colour (Y, Y, Y)).
    static func lightness(_ gray: [Float]) -> [Float] {
        let n = gray.count
        var lab = [Float](repeating: 0, count: 3 * n)
        (gray + gray + gray).withUnsafeBufferPointer { src in
            lab.withUnsafeMutableBufferPointer { ColorSpace.rgbToLab(src, into: $0, pixelCount: n) }
        }
        return Array(lab[..<n])
    }
}
