/// Conversions between plain NCHW and oneDNN's channel-blocked layout, in Swift (a strided copy).
enum Reorder {
    /// x: blocked [N, C/b, H, W, b] → plain [N, C, H, W]
    static func toPlain(_ x: Tensor) -> Tensor {
        guard x.layout == .blocked else { return x }
        let (n, c, hw) = (x.shape[0], x.shape[1], x.shape[2] * x.shape[3])
        let out = Tensor.empty(x.shape)
        let src = x.storage.pointer, dst = out.storage.pointer
        let b = TensorLayout.blockSize
        for ni in 0..<n {
            for cb in 0..<(c / b) {
                let srcBase = (ni * c + cb * b) * hw  // start of block cb of image ni
                for lane in 0..<b {
                    let dstRow = dst + (ni * c + cb * b + lane) * hw
                    let srcLane = src + srcBase + lane
                    for p in 0..<hw { dstRow[p] = srcLane[p * b] }
                }
            }
        }
        return out
    }

    /// x: plain [N, C, H, W] with C % b == 0 → blocked [N, C/b, H, W, b], b = TensorLayout.blockSize
    static func toBlocked(_ x: Tensor) -> Tensor {
        guard x.layout == .plain else { return x }
        precondition(TensorLayout.canBlock(x.shape), "shape \(x.shape) cannot be blocked")
        let (n, c, hw) = (x.shape[0], x.shape[1], x.shape[2] * x.shape[3])
        let out = Tensor.empty(x.shape, layout: .blocked)
        let src = x.storage.pointer, dst = out.storage.pointer
        let b = TensorLayout.blockSize
        for ni in 0..<n {
            for cb in 0..<(c / b) {
                let dstBase = (ni * c + cb * b) * hw
                for lane in 0..<b {
                    let srcRow = src + (ni * c + cb * b + lane) * hw
                    let dstLane = dst + dstBase + lane
                    for p in 0..<hw { dstLane[p * b] = srcRow[p] }
                }
            }
        }
        return out
    }
}

extension Tensor {
    /// This tensor in plain row-major layout (differentiable; a no-op when already plain).
    public func plain() -> Tensor {
        guard layout != .plain else { return self }
        return Autograd.record(Reorder.toPlain(self), inputs: [self]) { g in [Reorder.toBlocked(g)] }
    }

    /// This tensor in oneDNN's channel-blocked layout (differentiable; requires C % blockSize == 0).
    public func blocked() -> Tensor {
        guard layout != .blocked else { return self }
        return Autograd.record(Reorder.toBlocked(self), inputs: [self]) { g in [Reorder.toPlain(g)] }
    }
}
