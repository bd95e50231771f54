/// The window of a 2-D pooling: kernel, stride and symmetric zero/−∞ padding per axis.
/// Output size follows PyTorch with ceil_mode = false: OH = (H + 2·padH − kernelH) / strideH + 1.
public struct PoolingWindow: Hashable, Sendable {
    public var kernelH: Int, kernelW: Int
    public var strideH: Int, strideW: Int
    public var padH: Int, padW: Int

    public init(kernel: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0)) {
        (kernelH, kernelW) = kernel
        (strideH, strideW) = stride ?? kernel
        (padH, padW) = padding
        precondition(kernelH > 0 && kernelW > 0 && strideH > 0 && strideW > 0, "pooling kernel and stride must be positive")
        // As PyTorch: a window must always overlap the input.
        precondition(padH >= 0 && padW >= 0 && padH <= kernelH / 2 && padW <= kernelW / 2,
                     "pooling padding must be at most half the kernel")
    }

    public func outputSize(height: Int, width: Int) -> (Int, Int) {
        ((height + 2 * padH - kernelH) / strideH + 1, (width + 2 * padW - kernelW) / strideW + 1)
    }
}

/// Max and average pooling loops on either layout (see `PlaneGroups`), shared by both backends.
enum PoolingKernels {
    /// x: [N, C, H, W] → y: [N, C, OH, OW] (layout of x), indices: [N·C·OH·OW] in plain order,
    /// each the flat position iy·W + ix of the maximum within its input plane.
    /// NaN wins, as in PyTorch, so that it propagates.
    static func maxForward(_ x: Tensor, window p: PoolingWindow) -> (values: Tensor, indices: [Int32]) {
        let (h, w) = (x.shape[2], x.shape[3])
        let (oh, ow) = p.outputSize(height: h, width: w)
        precondition(oh > 0 && ow > 0, "max pool: empty output for input \(x.shape)")
        let y = Tensor.empty([x.shape[0], x.shape[1], oh, ow], layout: x.layout)
        var indices = [Int32](repeating: 0, count: y.count)
        let groups = PlaneGroups(x)
        let lanes = groups.lanes
        let src = x.storage.pointer, dst = y.storage.pointer
        indices.withUnsafeMutableBufferPointer { idx in
            let idx = idx.baseAddress!
            groups.forEach(elements: x.count) { g in
                let inBase = g * lanes * h * w, outBase = g * lanes * oh * ow
                let best = UnsafeMutablePointer<Float>.allocate(capacity: lanes)
                let where_ = UnsafeMutablePointer<Int32>.allocate(capacity: lanes)
                defer { best.deallocate(); where_.deallocate() }
                for oy in 0..<oh {
                    let y0 = oy * p.strideH - p.padH
                    let (ys, ye) = (max(y0, 0), min(y0 + p.kernelH, h))
                    for ox in 0..<ow {
                        let x0 = ox * p.strideW - p.padW
                        let (xs, xe) = (max(x0, 0), min(x0 + p.kernelW, w))
                        for l in 0..<lanes { best[l] = -.infinity; where_[l] = Int32(ys * w + xs) }
                        for iy in ys..<ye {
                            for ix in xs..<xe {
                                let pos = iy * w + ix
                                let row = src + inBase + pos * lanes
                                for l in 0..<lanes where row[l] > best[l] || row[l].isNaN {
                                    if best[l].isNaN { continue }
                                    best[l] = row[l]; where_[l] = Int32(pos)
                                }
                            }
                        }
                        let op = oy * ow + ox
                        for l in 0..<lanes {
                            dst[outBase + op * lanes + l] = best[l]
                            idx[groups.plane(group: g, lane: l) * oh * ow + op] = where_[l]
                        }
                    }
                }
            }
        }
        return (y, indices)
    }

    /// Scatters `values` to the positions `indices` of zero planes of `planeSize` pixels:
    /// out[n, c, indices[n, c, p]] += values[n, c, p]. This is both max pool's backward
    /// (accumulating, since windows overlap) and max unpooling's forward.
    /// values: [N, C, h, w] → out: [N, C, outputSize.0, outputSize.1], layout of `values`.
    static func scatter(_ values: Tensor, indices: [Int32], outputSize: (Int, Int)) -> Tensor {
        let (oh, ow) = outputSize
        let out = Tensor.zeros([values.shape[0], values.shape[1], oh, ow], layout: values.layout)
        let groups = PlaneGroups(values)
        let lanes = groups.lanes
        let inPlane = values.shape[2] * values.shape[3], outPlane = oh * ow
        let src = values.storage.pointer, dst = out.storage.pointer
        indices.withUnsafeBufferPointer { idx in
            groups.forEach(elements: values.count + out.count) { g in
                let inBase = g * lanes * inPlane, outBase = g * lanes * outPlane
                for l in 0..<lanes {
                    let planeIndices = idx.baseAddress! + groups.plane(group: g, lane: l) * inPlane
                    for p in 0..<inPlane {
                        let target = Int(planeIndices[p])
                        precondition(target >= 0 && target < outPlane, "pooling index \(target) outside a plane of \(outPlane)")
                        dst[outBase + target * lanes + l] += src[inBase + p * lanes + l]
                    }
                }
            }
        }
        return out
    }

    /// The adjoint of `scatter`: out[n, c, p] = source[n, c, indices[n, c, p]].
    /// source: [N, C, H, W] → out: [N, C, h, w] with h·w = indices per plane; layout of `source`.
    static func gather(_ source: Tensor, indices: [Int32], outputSize: (Int, Int)) -> Tensor {
        let (h, w) = outputSize
        let out = Tensor.empty([source.shape[0], source.shape[1], h, w], layout: source.layout)
        let groups = PlaneGroups(source)
        let lanes = groups.lanes
        let srcPlane = source.shape[2] * source.shape[3], outPlane = h * w
        let src = source.storage.pointer, dst = out.storage.pointer
        indices.withUnsafeBufferPointer { idx in
            groups.forEach(elements: out.count) { g in
                let srcBase = g * lanes * srcPlane, outBase = g * lanes * outPlane
                for l in 0..<lanes {
                    let planeIndices = idx.baseAddress! + groups.plane(group: g, lane: l) * outPlane
                    for p in 0..<outPlane {
                        dst[outBase + p * lanes + l] = src[srcBase + Int(planeIndices[p]) * lanes + l]
                    }
                }
            }
        }
        return out
    }

    /// The divisor of an average-pooling window with count_include_pad (PyTorch's default):
    /// the window clipped to the padded input, padding cells counted.
    @inline(__always)
    private static func paddedWindowArea(_ y0: Int, _ x0: Int, _ p: PoolingWindow, _ h: Int, _ w: Int) -> Float {
        Float((min(y0 + p.kernelH, h + p.padH) - y0) * (min(x0 + p.kernelW, w + p.padW) - x0))
    }

    /// x: [N, C, H, W] → y: [N, C, OH, OW], mean over each window (count_include_pad).
    static func averageForward(_ x: Tensor, window p: PoolingWindow) -> Tensor {
        let (h, w) = (x.shape[2], x.shape[3])
        let (oh, ow) = p.outputSize(height: h, width: w)
        precondition(oh > 0 && ow > 0, "average pool: empty output for input \(x.shape)")
        let y = Tensor.empty([x.shape[0], x.shape[1], oh, ow], layout: x.layout)
        let groups = PlaneGroups(x)
        let lanes = groups.lanes
        let src = x.storage.pointer, dst = y.storage.pointer
        groups.forEach(elements: x.count) { g in
            let inBase = g * lanes * h * w, outBase = g * lanes * oh * ow
            for oy in 0..<oh {
                let y0 = oy * p.strideH - p.padH
                let (ys, ye) = (max(y0, 0), min(y0 + p.kernelH, h))
                for ox in 0..<ow {
                    let x0 = ox * p.strideW - p.padW
                    let (xs, xe) = (max(x0, 0), min(x0 + p.kernelW, w))
                    let scale = 1 / paddedWindowArea(y0, x0, p, h, w)
                    let out = dst + outBase + (oy * ow + ox) * lanes
                    for l in 0..<lanes { out[l] = 0 }
                    for iy in ys..<ye {
                        for ix in xs..<xe {
                            let row = src + inBase + (iy * w + ix) * lanes
                            for l in 0..<lanes { out[l] += row[l] }
                        }
                    }
                    for l in 0..<lanes { out[l] *= scale }
                }
            }
        }
        return y
    }

    /// dy: [N, C, OH, OW] → dx: [N, C, H, W]; each window spreads its gradient evenly
    /// (by the same divisor as the forward) over the input cells it covers.
    static func averageBackward(_ dy: Tensor, inputSize: (Int, Int), window p: PoolingWindow) -> Tensor {
        let (h, w) = inputSize
        let (oh, ow) = (dy.shape[2], dy.shape[3])
        let dx = Tensor.zeros([dy.shape[0], dy.shape[1], h, w], layout: dy.layout)
        let groups = PlaneGroups(dy)
        let lanes = groups.lanes
        let src = dy.storage.pointer, dst = dx.storage.pointer
        groups.forEach(elements: dx.count) { g in
            let inBase = g * lanes * h * w, outBase = g * lanes * oh * ow
            for oy in 0..<oh {
                let y0 = oy * p.strideH - p.padH
                let (ys, ye) = (max(y0, 0), min(y0 + p.kernelH, h))
                for ox in 0..<ow {
                    let x0 = ox * p.strideW - p.padW
                    let (xs, xe) = (max(x0, 0), min(x0 + p.kernelW, w))
                    let scale = 1 / paddedWindowArea(y0, x0, p, h, w)
                    let grad = src + outBase + (oy * ow + ox) * lanes
                    for iy in ys..<ye {
                        for ix in xs..<xe {
                            let row = dst + inBase + (iy * w + ix) * lanes
                            for l in 0..<lanes { row[l] += grad[l] * scale }
                        }
                    }
                }
            }
        }
        return dx
    }
}
