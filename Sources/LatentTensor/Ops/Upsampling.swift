// Spatial upsampling with autograd: nearest by an integer factor, bilinear to any size
// (PyTorch's align_corners = false), and the pixel shuffles that trade channels for pixels.

/// Nearest-neighbour upsampling by integer factors (PyTorch's `Upsample(scale_factor:, mode: "nearest")`).
/// x: [N, C, H, W] → [N, C, H·fh, W·fw], in the layout of x.
public func upsampleNearest(_ x: Tensor, factor: (Int, Int)) -> Tensor {
    precondition(x.rank == 4, "upsampleNearest wants [N, C, H, W], got \(x.shape)")
    precondition(factor.0 > 0 && factor.1 > 0, "upsampling factors must be positive")
    let y = UpsamplingKernels.nearestForward(x, factor: factor)
    return Autograd.record(y, inputs: [x]) { g in [UpsamplingKernels.nearestBackward(g, factor: factor)] }
}

public func upsampleNearest(_ x: Tensor, factor: Int) -> Tensor { upsampleNearest(x, factor: (factor, factor)) }

/// Bilinear resampling to `size` = (OH, OW) with align_corners = false (PyTorch's
/// `interpolate(mode: "bilinear")` given a size; for an integer scale factor the same result).
/// x: [N, C, H, W] → [N, C, OH, OW], in the layout of x.
public func upsampleBilinear(_ x: Tensor, size: (Int, Int)) -> Tensor {
    precondition(x.rank == 4, "upsampleBilinear wants [N, C, H, W], got \(x.shape)")
    precondition(size.0 > 0 && size.1 > 0, "bilinear output size must be positive")
    let y = UpsamplingKernels.bilinearForward(x, size: size)
    let inputSize = (x.shape[2], x.shape[3])
    return Autograd.record(y, inputs: [x]) { g in [UpsamplingKernels.bilinearBackward(g, inputSize: inputSize)] }
}

public func upsampleBilinear(_ x: Tensor, factor: Int) -> Tensor {
    upsampleBilinear(x, size: (x.shape[2] * factor, x.shape[3] * factor))
}

/// Depth to space: x: [N, C·r², H, W] → plain [N, C, H·r, W·r] (PyTorch's `pixel_shuffle`).
public func pixelShuffle(_ x: Tensor, factor r: Int) -> Tensor {
    precondition(x.rank == 4 && r > 0 && x.shape[1] % (r * r) == 0,
                 "pixelShuffle(\(r)) wants [N, C·\(r * r), H, W], got \(x.shape)")
    let y = UpsamplingKernels.pixelShuffle(x, factor: r)
    return Autograd.record(y, inputs: [x]) { g in [UpsamplingKernels.pixelUnshuffle(g, factor: r)] }
}

/// Space to depth: x: [N, C, H·r, W·r] → plain [N, C·r², H, W] (PyTorch's `pixel_unshuffle`).
public func pixelUnshuffle(_ x: Tensor, factor r: Int) -> Tensor {
    precondition(x.rank == 4 && r > 0 && x.shape[2] % r == 0 && x.shape[3] % r == 0,
                 "pixelUnshuffle(\(r)) wants H and W divisible by \(r), got \(x.shape)")
    let y = UpsamplingKernels.pixelUnshuffle(x, factor: r)
    return Autograd.record(y, inputs: [x]) { g in [UpsamplingKernels.pixelShuffle(g, factor: r)] }
}
