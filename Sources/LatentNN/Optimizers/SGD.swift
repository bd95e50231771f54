import LatentTensor

/// Stochastic gradient descent with (heavy-ball) momentum, as `torch.optim.SGD`
/// with dampening 0: buf ← μ·buf + g (buf = g on the first step); p ← p − lr·buf.
public final class SGD: Optimizer {
    public var learningRate: Float
    public var stepCount = 0
    public let momentum: Float
    public let weightDecay: Float
    private let parameters: [(String, Tensor)]
    private let buffers: [Tensor]

    public init(_ parameters: [(String, Tensor)], learningRate: Float, momentum: Float = 0, weightDecay: Float = 0) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
        buffers = parameters.map { Tensor.zeros($0.1.shape) }
    }

    public func step() {
        let first = stepCount == 0
        stepCount += 1
        let (lr, mu, wd) = (learningRate, momentum, weightDecay)
        for ((_, p), buffer) in zip(parameters, buffers) {
            guard let g = p.grad?.plain() else { continue }
            let pp = p.storage.pointer, pg = g.storage.pointer, pb = buffer.storage.pointer
            for i in 0..<p.count {
                let grad = pg[i] + wd * pp[i]
                if mu != 0 {
                    pb[i] = first ? grad : mu * pb[i] + grad
                    pp[i] -= lr * pb[i]
                } else {
                    pp[i] -= lr * grad
                }
            }
            p.storage.markModified()
        }
    }

    public func namedState() -> [(String, Tensor)] {
        zip(parameters, buffers).map { ("momentum_buffer.\($0.0.0)", $0.1) }
    }
}
