/// Spatial resampling loops, shared by both backends. Nearest and bilinear run on either
/// layout (see `PlaneGroups`); the pixel shuffles rearrange channels and want plain input.
enum UpsamplingKernels {
    /// x: [N, C, H, W] → y: [N, C, H·fh, W·fw], y[oy, ox] = x[oy / fh, ox / fw]. Layout of x.
    static func nearestForward(_ x: Tensor, factor: (Int, Int)) -> Tensor {
        let (h, w) = (x.shape[2], x.shape[3])
        let (oh, ow) = (h * factor.0, w * factor.1)
        let y = Tensor.empty([x.shape[0], x.shape[1], oh, ow], layout: x.layout)
        let groups = PlaneGroups(x)
        let lanes = groups.lanes
        let src = x.storage.pointer, dst = y.storage.pointer
        groups.forEach(elements: y.count) { g in
            let inBase = g * lanes * h * w, outBase = g * lanes * oh * ow
            for oy in 0..<oh {
                let inRow = src + inBase + (oy / factor.0) * w * lanes
                let outRow = dst + outBase + oy * ow * lanes
                for ox in 0..<ow {
                    let from = inRow + (ox / factor.1) * lanes, to = outRow + ox * lanes
                    for l in 0..<lanes { to[l] = from[l] }
                }
            }
        }
        return y
    }

    /// dy: [N, C, H·fh, W·fw] → dx: [N, C, H, W], the sum of each fh×fw block.
    static func nearestBackward(_ dy: Tensor, factor: (Int, Int)) -> Tensor {
        let (oh, ow) = (dy.shape[2], dy.shape[3])
        let (h, w) = (oh / factor.0, ow / factor.1)
        let dx = Tensor.zeros([dy.shape[0], dy.shape[1], h, w], layout: dy.layout)
        let groups = PlaneGroups(dy)
        let lanes = groups.lanes
        let src = dy.storage.pointer, dst = dx.storage.pointer
        groups.forEach(elements: dy.count) { g in
            let inBase = g * lanes * h * w, outBase = g * lanes * oh * ow
            for oy in 0..<oh {
                let inRow = dst + inBase + (oy / factor.0) * w * lanes
                let outRow = src + outBase + oy * ow * lanes
                for ox in 0..<ow {
                    let to = inRow + (ox / factor.1) * lanes, from = outRow + ox * lanes
                    for l in 0..<lanes { to[l] += from[l] }
                }
            }
        }
        return dx
    }

    /// The two source pixels and weights of each output coordinate along one axis, as
    /// PyTorch's bilinear interpolation with align_corners = false computes them (in Float):
    /// src = max((dst + ½)·in/out − ½, 0), lower = ⌊src⌋, upper = min(lower + 1, in − 1).
    struct Taps {
        var lower: [Int], upper: [Int], upperWeight: [Float]

        init(input: Int, output: Int) {
            let scale = Float(input) / Float(output)
            lower = []; upper = []; upperWeight = []
            for o in 0..<output {
                let source = max(scale * (Float(o) + 0.5) - 0.5, 0)
                let l = min(Int(source), input - 1)
                lower.append(l)
                upper.append(min(l + 1, input - 1))
                upperWeight.append(source - Float(l))
            }
        }
    }

    /// x: [N, C, H, W] → y: [N, C, OH, OW], bilinear (align_corners = false). Layout of x.
    static func bilinearForward(_ x: Tensor, size: (Int, Int)) -> Tensor {
        let (h, w) = (x.shape[2], x.shape[3])
        let (oh, ow) = size
        let (ty, tx) = (Taps(input: h, output: oh), Taps(input: w, output: ow))
        let y = Tensor.empty([x.shape[0], x.shape[1], oh, ow], layout: x.layout)
        let groups = PlaneGroups(x)
        let lanes = groups.lanes
        let src = x.storage.pointer, dst = y.storage.pointer
        groups.forEach(elements: y.count * 4) { g in
            let inBase = src + g * lanes * h * w, outBase = dst + g * lanes * oh * ow
            for oy in 0..<oh {
                let wy1 = ty.upperWeight[oy], wy0 = 1 - wy1
                let row0 = inBase + ty.lower[oy] * w * lanes, row1 = inBase + ty.upper[oy] * w * lanes
                for ox in 0..<ow {
                    let wx1 = tx.upperWeight[ox], wx0 = 1 - wx1
                    let (c0, c1) = (tx.lower[ox] * lanes, tx.upper[ox] * lanes)
                    let out = outBase + (oy * ow + ox) * lanes
                    for l in 0..<lanes {
                        out[l] = wy0 * (wx0 * row0[c0 + l] + wx1 * row0[c1 + l])
                               + wy1 * (wx0 * row1[c0 + l] + wx1 * row1[c1 + l])
                    }
                }
            }
        }
        return y
    }

    /// dy: [N, C, OH, OW] → dx: [N, C, H, W], each output's gradient spread back over its
    /// four taps with the forward weights.
    static func bilinearBackward(_ dy: Tensor, inputSize: (Int, Int)) -> Tensor {
        let (h, w) = inputSize
        let (oh, ow) = (dy.shape[2], dy.shape[3])
        let (ty, tx) = (Taps(input: h, output: oh), Taps(input: w, output: ow))
        let dx = Tensor.zeros([dy.shape[0], dy.shape[1], h, w], layout: dy.layout)
        let groups = PlaneGroups(dy)
        let lanes = groups.lanes
        let src = dy.storage.pointer, dst = dx.storage.pointer
        groups.forEach(elements: dy.count * 4) { g in
            let inBase = dst + g * lanes * h * w, outBase = src + g * lanes * oh * ow
            for oy in 0..<oh {
                let wy1 = ty.upperWeight[oy], wy0 = 1 - wy1
                let row0 = inBase + ty.lower[oy] * w * lanes, row1 = inBase + ty.upper[oy] * w * lanes
                for ox in 0..<ow {
                    let wx1 = tx.upperWeight[ox], wx0 = 1 - wx1
                    let (c0, c1) = (tx.lower[ox] * lanes, tx.upper[ox] * lanes)
                    let grad = outBase + (oy * ow + ox) * lanes
                    for l in 0..<lanes {
                        let gl = grad[l]
                        row0[c0 + l] += wy0 * wx0 * gl
                        row0[c1 + l] += wy0 * wx1 * gl
                        row1[c0 + l] += wy1 * wx0 * gl
                        row1[c1 + l] += wy1 * wx1 * gl
                    }
                }
            }
        }
        return dx
    }

    /// Depth to space, as PyTorch's pixel_shuffle. x: plain [N, C·r², H, W] → y: [N, C, H·r, W·r],
    /// y[n, c, h·r + i, w·r + j] = x[n, c·r² + i·r + j, h, w].
    static func pixelShuffle(_ x: Tensor, factor r: Int) -> Tensor {
        let x = Reorder.toPlain(x)
        let (n, cIn, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let c = cIn / (r * r)
        let y = Tensor.empty([n, c, h * r, w * r])
        let src = x.storage.pointer, dst = y.storage.pointer
        let plane = h * w
        Parallel.forEachChunk(n * c, minimumChunk: max(1, Parallel.minimumElementsPerWorker / max(plane * r * r, 1))) { range in
            for job in range {
                let inBase = src + job * r * r * plane  // channels c·r² … c·r² + r² − 1 of image n
                let outPlane = dst + job * plane * r * r
                for hy in 0..<h {
                    for i in 0..<r {
                        let outRow = outPlane + (hy * r + i) * w * r
                        for wx in 0..<w {
                            for j in 0..<r { outRow[wx * r + j] = inBase[(i * r + j) * plane + hy * w + wx] }
                        }
                    }
                }
            }
        }
        return y
    }

    /// Space to depth, the inverse of `pixelShuffle`. x: plain [N, C, H·r, W·r] → y: [N, C·r², H, W],
    /// y[n, c·r² + i·r + j, h, w] = x[n, c, h·r + i, w·r + j].
    static func pixelUnshuffle(_ x: Tensor, factor r: Int) -> Tensor {
        let x = Reorder.toPlain(x)
        let (n, c, hr, wr) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (h, w) = (hr / r, wr / r)
        let y = Tensor.empty([n, c * r * r, h, w])
        let src = x.storage.pointer, dst = y.storage.pointer
        let plane = h * w
        Parallel.forEachChunk(n * c, minimumChunk: max(1, Parallel.minimumElementsPerWorker / max(plane * r * r, 1))) { range in
            for job in range {
                let inPlane = src + job * plane * r * r
                let outBase = dst + job * r * r * plane
                for i in 0..<r {
                    for j in 0..<r {
                        let outPlane = outBase + (i * r + j) * plane
                        for hy in 0..<h {
                            let inRow = inPlane + (hy * r + i) * wr + j
                            for wx in 0..<w { outPlane[hy * w + wx] = inRow[wx * r] }
                        }
                    }
                }
            }
        }
        return y
    }
}
