import Foundation

/// Softmax over the channel axis (axis 1) of plain tensors [N, K, …], one distribution per
/// (image, position), and the soft-target cross-entropy built on it. Loops run channel-outer,
/// position-inner, so the inner loops are contiguous and vectorise.
enum ChannelSoftmaxKernels {
    /// (N, K, S): images, channels, positions per channel (the product of the trailing axes).
    static func geometry(_ shape: [Int]) -> (n: Int, k: Int, s: Int) {
        precondition(shape.count >= 2, "channel softmax wants [N, K, …], got \(shape)")
        return (shape[0], shape[1], shape.dropFirst(2).reduce(1, *))
    }

    /// p = softmax(z / T) over axis 1, with the log-sum-exp lse = log Σ_k exp(z_k / T) per
    /// position (max-subtracted, so any magnitude is safe).
    /// z: plain [N, K, …] → (p: plain [N, K, …], lse: [N·S] row-major over (n, position)).
    static func softmax(_ z: Tensor, temperature: Float) -> (probabilities: Tensor, logSumExp: [Float]) {
        precondition(z.layout == .plain, "channel softmax needs a plain tensor")
        let (n, k, s) = geometry(z.shape)
        let out = Tensor.empty(z.shape)
        var lse = [Float](repeating: 0, count: n * s)
        let src = z.storage.pointer, dst = out.storage.pointer
        let inverseT = 1 / temperature
        lse.withUnsafeMutableBufferPointer { lseBuffer in
            let lsePointer = lseBuffer.baseAddress!
            Parallel.forEach(n) { image in
                let base = image * k * s
                let maxima = UnsafeMutablePointer<Float>.allocate(capacity: s)
                let sums = UnsafeMutablePointer<Float>.allocate(capacity: s)
                defer { maxima.deallocate(); sums.deallocate() }
                maxima.initialize(repeating: -.infinity, count: s)
                sums.initialize(repeating: 0, count: s)
                for c in 0..<k {
                    let row = src + base + c * s
                    for p in 0..<s { maxima[p] = max(maxima[p], row[p] * inverseT) }
                }
                for c in 0..<k {
                    let row = src + base + c * s, outRow = dst + base + c * s
                    for p in 0..<s {
                        let e = expf(row[p] * inverseT - maxima[p])
                        outRow[p] = e
                        sums[p] += e
                    }
                }
                for p in 0..<s { sums[p] = 1 / sums[p] }
                for c in 0..<k {
                    let outRow = dst + base + c * s
                    for p in 0..<s { outRow[p] *= sums[p] }
                }
                // sums now holds 1/Σ e, so lse = max − log(1/Σ e).
                for p in 0..<s { lsePointer[image * s + p] = maxima[p] - logf(sums[p]) }
            }
        }
        return (out, lse)
    }

    /// Per position: Σ_k t_k and Σ_k t_k·z_k. t, z: plain [N, K, …] → two [N·S] arrays.
    static func targetSums(_ t: Tensor, _ z: Tensor) -> (mass: [Float], dot: [Float]) {
        let (n, k, s) = geometry(z.shape)
        var mass = [Float](repeating: 0, count: n * s), dot = [Float](repeating: 0, count: n * s)
        let tp = t.storage.pointer, zp = z.storage.pointer
        mass.withUnsafeMutableBufferPointer { m in
            dot.withUnsafeMutableBufferPointer { d in
                let (mp, dp) = (m.baseAddress!, d.baseAddress!)
                Parallel.forEach(n) { image in
                    let base = image * k * s, o = image * s
                    for c in 0..<k {
                        let tRow = tp + base + c * s, zRow = zp + base + c * s
                        for p in 0..<s {
                            mp[o + p] += tRow[p]
                            dp[o + p] += tRow[p] * zRow[p]
                        }
                    }
                }
            }
        }
        return (mass, dot)
    }

    /// The gradient of Σ_positions w·(lse·Σt − Σ t·z), scaled: scale·w·(p·Σt − t).
    /// p, t: plain [N, K, …]; mass: Σ_k t per position; weights: per position or nil (1).
    static func crossEntropyGradient(probabilities p: Tensor, targets t: Tensor, mass: [Float],
                                     weights: UnsafePointer<Float>?, scale: Float) -> Tensor {
        let (n, k, s) = geometry(p.shape)
        let out = Tensor.empty(p.shape)
        let pp = p.storage.pointer, tp = t.storage.pointer, gp = out.storage.pointer
        mass.withUnsafeBufferPointer { massBuffer in
            let mp = massBuffer.baseAddress!
            Parallel.forEach(n) { image in
                let base = image * k * s, o = image * s
                let factors = UnsafeMutablePointer<Float>.allocate(capacity: s)
                defer { factors.deallocate() }
                for q in 0..<s { factors[q] = scale * (weights.map { $0[o + q] } ?? 1) }
                for c in 0..<k {
                    let pRow = pp + base + c * s, tRow = tp + base + c * s, gRow = gp + base + c * s
                    for q in 0..<s { gRow[q] = factors[q] * (pRow[q] * mp[o + q] - tRow[q]) }
                }
            }
        }
        return out
    }
}
