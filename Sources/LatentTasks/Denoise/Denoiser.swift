import Foundation
import LatentImage
import LatentModels
import LatentTensor

/// A trained denoising model ready to apply to images.
public final class Denoiser {
    public let network: DenoiseUNet
    public let path: String

    public init(modelPath: String) throws {
        let file = try ModelFile(path: modelPath)
        let kind = try file.kind
        guard kind == DenoiserArchitecture.kindName else {
            throw TaskError.wrongModelKind(model: modelPath, expected: DenoiserArchitecture.kindName, found: kind)
        }
        network = DenoiseUNet(try file.architecture(DenoiserArchitecture.self), seed: 0)
        try file.load(into: network)
        network.eval()
        path = modelPath
    }

    public init(network: DenoiseUNet, path: String = "<memory>") {
        self.network = network
        self.path = path
    }

    public var channels: Int { network.architecture.channels }

    /// planes: [C, H, W] colour planes in [0, 1] (C = the model's channels) → denoised planes.
    /// The image is mirror-padded to the model's stride (plus a margin, so that the borders
    /// see image-like context), run in one pass without recording gradients, and cropped back.
    public func denoise(planes: UnsafeBufferPointer<Float>, width: Int, height: Int, margin: Int = 8) -> [Float] {
        let stride = network.architecture.totalStride
        let (top, left) = (margin, margin)
        let bottom = margin + ReflectPadding.amountToMultiple(height + 2 * margin, stride)
        let right = margin + ReflectPadding.amountToMultiple(width + 2 * margin, stride)
        let padded = ReflectPadding.pad(planes, channels: channels, width: width, height: height,
                                        top: top, left: left, bottom: bottom, right: right)
        let (pw, ph) = (width + left + right, height + top + bottom)
        let output = Autograd.withoutGrad {
            network(Tensor(padded, shape: [1, channels, ph, pw])).plain().toArray()
        }
        return output.withUnsafeBufferPointer {
            ReflectPadding.crop($0, channels: channels, width: pw, height: ph, x0: left, y0: top,
                                cropWidth: width, cropHeight: height)
        }
    }

    /// Denoises an image's colour planes (converted to the model's channel count) and keeps alpha.
    public func denoise(_ image: Image) -> Image {
        let (color, alpha) = image.splittingAlpha()
        let input = channels == 1 ? color.grayscale() : color.rgb()
        let planes = input.withUnsafeBufferPointer { denoise(planes: $0, width: input.width, height: input.height) }
        var result = input.replacing(samples: planes.map { min(max($0, 0), 1) })
        if let alpha { result = result.attachingAlpha(alpha) }
        return result
    }
}
