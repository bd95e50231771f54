import LatentModels
import LatentTensor

/// The denoiser as a tiler sees it: same channels in and out, context of the U-Net's receptive
/// field, windows aligned to its total stride.
extension Denoiser: PlaneModel {
    public var inputChannels: Int { channels }
    public var outputChannels: Int { channels }

    public var tileRequirements: TileRequirements {
        let a = network.architecture
        return TileRequirements(margin: a.receptiveFieldRadius, alignment: a.totalStride, scale: 1)
    }

    /// Live Float32 buffers per input pixel, counted from the widths: the window and its copies
    /// on the way in and out (pixel-unshuffled, result, residual, reorders: 8·C), plus at each
    /// level about three feature maps at once (a convolution's input and output, the skip kept
    /// for the decoder), each level having a quarter of the pixels of the one above. Calibrated
    /// against peak RSS of one-tile runs: ≈ 580 bytes per window pixel for the default widths
    /// while transposed convolutions ran as oneDNN deconvolutions with their staging copies,
    /// ≈ 270 since they run as 1×1 convolutions (slope of peak RSS over 640²…1664² windows,
    /// storage pool included), where this gives 348; see docs/batch.md.
    public var activationBytesPerPixel: Int {
        let a = network.architecture
        var floats = 8.0 * Double(a.channels)
        var area = 1.0 / Double(a.unshuffle * a.unshuffle)
        for width in a.widths {
            floats += 3 * Double(width) * area
            area /= 4
        }
        return Int((floats * 4).rounded(.up))
    }

    /// One window through the network; with `selfEnsemble`, the mean over the eight flips and
    /// rotations of the window (each mapped back), at eight times the cost.
    public func run(_ planes: [Float], width: Int, height: Int) -> [Float] {
        func once(_ planes: [Float], width: Int, height: Int) -> [Float] {
            Autograd.withoutGrad { network(Tensor(planes, shape: [1, channels, height, width])).plain().toArray() }
        }
        guard selfEnsemble else { return once(planes, width: width, height: height) }
        var sum = [Float](repeating: 0, count: planes.count)
        for transform in DihedralTransform.all {
            let size = transform.size(width: width, height: height)
            let output = once(transform.apply(planes, channels: channels, width: width, height: height), width: size.width, height: size.height)
            let back = transform.invert(output, channels: channels, width: width, height: height)
            for i in sum.indices { sum[i] += back[i] }
        }
        let scale = 1 / Float(DihedralTransform.all.count)
        return sum.map { $0 * scale }
    }
}
