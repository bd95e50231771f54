/// Per-channel loops over [N, C, H, W] tensors (either layout), shared by both backends.
enum ChannelKernels {
    /// y[n, c, h, w] = x[n, c, h, w] + bias[c]. bias: [C]
    static func addPerChannel(_ x: Tensor, _ bias: Tensor) -> Tensor {
        let (n, c, hw) = (x.shape[0], x.shape[1], x.shape[2] * x.shape[3])
        let out = Tensor.empty(x.shape, layout: x.layout)
        let src = x.storage.pointer, dst = out.storage.pointer, b = bias.storage.pointer
        switch x.layout {
        case .plain:
            Parallel.forEach(n * c) { job in
                let v = b[job % c], base = job * hw
                for i in 0..<hw { dst[base + i] = src[base + i] + v }
            }
        case .blocked:
            let bs = TensorLayout.blockSize
            Parallel.forEach(n * c / bs) { job in
                let cb = job % (c / bs), base = job * hw * bs
                for p in 0..<hw {
                    for lane in 0..<bs { dst[base + p * bs + lane] = src[base + p * bs + lane] + b[cb * bs + lane] }
                }
            }
        }
        return out
    }

    /// s[c] = Σ_{n, h, w} x[n, c, h, w]. Returns plain [C].
    static func sumPerChannel(_ x: Tensor) -> Tensor {
        let (n, c, hw) = (x.shape[0], x.shape[1], x.shape[2] * x.shape[3])
        let out = Tensor.zeros([c])
        let src = x.storage.pointer, dst = out.storage.pointer
        switch x.layout {
        case .plain:
            Parallel.forEach(c) { ci in
                var total: Double = 0
                for ni in 0..<n {
                    let base = (ni * c + ci) * hw
                    var s: Float = 0
                    for i in 0..<hw { s += src[base + i] }
                    total += Double(s)
                }
                dst[ci] = Float(total)
            }
        case .blocked:
            let bs = TensorLayout.blockSize
            Parallel.forEach(c / bs) { cb in
                var totals = [Double](repeating: 0, count: bs)
                for ni in 0..<n {
                    let base = (ni * (c / bs) + cb) * hw * bs
                    var partial = [Float](repeating: 0, count: bs)
                    for p in 0..<hw { for lane in 0..<bs { partial[lane] += src[base + p * bs + lane] } }
                    for lane in 0..<bs { totals[lane] += Double(partial[lane]) }
                }
                for lane in 0..<bs { dst[cb * bs + lane] = Float(totals[lane]) }
            }
        }
        return out
    }
}

// Per-channel maps and reductions on either layout, through `PlaneGroups`; used by the
// per-channel arithmetic and batch normalization. [N, F] tensors go through as [N, F, 1, 1].
extension ChannelKernels {
    /// A plain [N, F] matrix seen as [N, F, 1, 1] (same storage), or x itself when 4-D.
    static func asImage(_ x: Tensor) -> Tensor {
        if x.rank == 4 { return x }
        precondition(x.rank == 2 && x.layout == .plain, "per-channel ops want [N, C, H, W] or [N, F], got \(x.shape)")
        return Tensor(storage: x.storage, shape: [x.shape[0], x.shape[1], 1, 1])
    }

    /// `g` in the layout of `x` (gradients may arrive in either layout).
    static func inLayout(of x: Tensor, _ g: Tensor) -> Tensor {
        if g.layout == x.layout { return g }
        return x.layout == .plain ? Reorder.toPlain(g) : Reorder.toBlocked(g)
    }

    /// y = x·scale[c] + shift[c]. x: [N, C, H, W], scale, shift: [C] → y: like x.
    static func scaleShift(_ x: Tensor, scale: [Float], shift: [Float]) -> Tensor {
        let zeros = [Float](repeating: 0, count: scale.count)
        return combine(x, x, alpha: scale, beta: zeros, gamma: shift)
    }

    /// y = a·alpha[c] + b·beta[c] + gamma[c]. a, b: [N, C, H, W] of one layout, alpha, beta, gamma: [C] → y: like a.
    static func combine(_ a: Tensor, _ b: Tensor, alpha: [Float], beta: [Float], gamma: [Float]) -> Tensor {
        precondition(a.shape == b.shape && a.layout == b.layout, "combine wants equal shapes and layouts")
        let hw = a.shape[2] * a.shape[3]
        let out = Tensor.empty(a.shape, layout: a.layout)
        let groups = PlaneGroups(a)
        let lanes = groups.lanes
        let pa = a.storage.pointer, pb = b.storage.pointer, dst = out.storage.pointer
        alpha.withUnsafeBufferPointer { al in beta.withUnsafeBufferPointer { be in gamma.withUnsafeBufferPointer { ga in
            groups.forEach(elements: a.count) { g in
                let c0 = groups.channel(group: g, lane: 0), base = g * lanes * hw
                if lanes == 1 {
                    let (s, t, u) = (al[c0], be[c0], ga[c0])
                    for p in base..<base + hw { dst[p] = pa[p] * s + pb[p] * t + u }
                } else {
                    for p in 0..<hw {
                        let o = base + p * lanes
                        for l in 0..<lanes { dst[o + l] = pa[o + l] * al[c0 + l] + pb[o + l] * be[c0 + l] + ga[c0 + l] }
                    }
                }
            }
        } } }
        return out
    }

    /// r[c] = Σ_{n, h, w} f(a, b, center[c]) in Double (Float partial sums per plane).
    /// a, b: [N, C, H, W] of one layout (pass a twice when only one tensor matters) → r: [C]
    @inline(__always)
    static func reduce(_ a: Tensor, _ b: Tensor, center: [Float], _ f: (Float, Float, Float) -> Float) -> [Double] {
        precondition(a.shape == b.shape && a.layout == b.layout, "reduce wants equal shapes and layouts")
        let (n, c, hw) = (a.shape[0], a.shape[1], a.shape[2] * a.shape[3])
        let groups = PlaneGroups(a)
        let lanes = groups.lanes
        var totals = [Double](repeating: 0, count: c)
        let pa = a.storage.pointer, pb = b.storage.pointer
        totals.withUnsafeMutableBufferPointer { totals in center.withUnsafeBufferPointer { centers in
            let totals = totals.baseAddress!
            // One worker per channel group, images in order: results do not depend on threads.
            func work(_ cg: Int) {
                let partial = UnsafeMutablePointer<Float>.allocate(capacity: lanes)
                defer { partial.deallocate() }
                let c0 = cg * lanes
                for image in 0..<n {
                    let base = (image * groups.perImage + cg) * lanes * hw
                    partial.initialize(repeating: 0, count: lanes)
                    for p in 0..<hw {
                        let o = base + p * lanes
                        for l in 0..<lanes { partial[l] += f(pa[o + l], pb[o + l], centers[c0 + l]) }
                    }
                    for l in 0..<lanes { totals[c0 + l] += Double(partial[l]) }
                }
            }
            if a.count < Parallel.minimumElementsPerWorker {
                for cg in 0..<groups.perImage { work(cg) }
            } else {
                Parallel.forEach(groups.perImage) { work($0) }
            }
        } }
        return totals
    }

    /// Per-channel mean and biased variance (two passes, for accuracy). x: [N, C, H, W] → [C], [C]
    static func moments(_ x: Tensor) -> (mean: [Float], variance: [Float]) {
        let c = x.shape[1]
        let m = Double(x.count / max(c, 1))
        let zeros = [Float](repeating: 0, count: c)
        let mean = reduce(x, x, center: zeros) { a, _, _ in a }.map { Float($0 / m) }
        let variance = reduce(x, x, center: mean) { a, _, mu in (a - mu) * (a - mu) }.map { Float($0 / m) }
        return (mean, variance)
    }
}
