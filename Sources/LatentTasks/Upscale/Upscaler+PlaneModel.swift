import LatentModels

/// The upscaler as a tiler sees it: same channels in and out, `scale` times the pixels per side,
/// context of the network's receptive field (which also covers the bicubic's two pixels).
extension Upscaler: PlaneModel {
    public var inputChannels: Int { channels }
    public var outputChannels: Int { channels }

    public var tileRequirements: TileRequirements { network.architecture.tileRequirements }

    /// Live Float32 buffers per input pixel: the window, and at the output resolution (s² per
    /// input pixel) the bicubic base, its horizontal pass, the network's detail before and after
    /// the shuffle and the stitched result; at the input resolution the head's features twice
    /// (a convolution's input and output, plus the reorders between layouts) and the code twice.
    public var activationBytesPerPixel: Int {
        let a = network.architecture
        let floats = Double(a.channels) * (1 + 5 * Double(a.scale * a.scale)) + 2 * Double(a.features) + 2 * Double(a.code)
        return Int((floats * 4).rounded(.up))
    }

    public func run(_ planes: [Float], width: Int, height: Int) -> [Float] {
        upscaleWhole(planes, width: width, height: height)
    }
}

extension UpscalerArchitecture {
    /// Context of the receptive field (at least the bicubic's two pixels), any alignment.
    public var tileRequirements: TileRequirements {
        TileRequirements(margin: max(receptiveFieldRadius, 2), alignment: 1, scale: scale)
    }
}
