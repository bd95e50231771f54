import Foundation
import LatentImage
import LatentModels
import LatentTensor

/// A trained upscaling model ready to apply: the network's detail added to Pillow-exact bicubic
/// upsampling of the same input (the full model of docs/model-format.md, `upscale-net`).
public final class Upscaler {
    public let network: UpscaleNet
    public let path: String

    public init(modelPath: String) throws {
        let file = try ModelFile(path: modelPath)
        let kind = try file.kind
        guard kind == UpscalerArchitecture.kindName else {
            throw TaskError.wrongModelKind(model: modelPath, expected: UpscalerArchitecture.kindName, found: kind)
        }
        let architecture = try file.architecture(UpscalerArchitecture.self)
        if let problem = architecture.problem { throw TaskError.invalidOption("\(modelPath): \(problem)") }
        network = UpscaleNet(architecture, seed: 0)
        try file.load(into: network)
        network.eval()
        path = modelPath
    }

    public init(network: UpscaleNet, path: String = "<memory>") {
        self.network = network
        self.path = path
    }

    public var channels: Int { network.architecture.channels }
    public var scale: Int { network.architecture.scale }

    /// planes: [C, h, w] in [0, 1] → [C, h·s, w·s]: bicubic(planes) + network(planes), in one pass
    /// over the given planes (their borders are the edges the bicubic and the convolutions see).
    public func upscaleWhole(_ planes: [Float], width: Int, height: Int) -> [Float] {
        let s = scale
        var output = planes.withUnsafeBufferPointer {
            Resize.bicubic($0, channels: channels, width: width, height: height, newWidth: width * s, newHeight: height * s)
        }
        let detail = Autograd.withoutGrad {
            network(Tensor(planes, shape: [1, channels, height, width])).plain()
        }
        detail.withUnsafeBufferPointer { d in
            output.withUnsafeMutableBufferPointer { o in
                for i in o.indices { o[i] += d[i] }
            }
        }
        return output
    }

    /// planes: [C, h, w] → [C, h·s, w·s], run exactly as `latent upscale` runs it — tiles sized
    /// for `activationBudget` bytes with mirrored context — so evaluations measure what users get.
    public func upscale(planes: UnsafeBufferPointer<Float>, width: Int, height: Int,
                        activationBudget: Int = 256 << 20) -> [Float] {
        let tiler = TiledInference(tileSize: TiledInference.tileSize(forBudget: activationBudget, model: self),
                                   requirements: tileRequirements)
        return tiler.apply(self, planes: planes, width: width, height: height)
    }
}
