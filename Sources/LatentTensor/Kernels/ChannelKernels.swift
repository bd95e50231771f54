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
        case .blocked16:
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
        case .blocked16:
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
