import Foundation
import LatentTensor

/// Adam (Kingma & Ba 2015) with bias correction; with `decoupledWeightDecay` it is AdamW
/// (Loshchilov & Hutter 2019), otherwise weight decay is PyTorch Adam's L2 term added to the gradient.
public final class Adam: Optimizer {
    public var learningRate: Float
    public var stepCount = 0
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    public let weightDecay: Float
    public let decoupledWeightDecay: Bool
    private let parameters: [(String, Tensor)]
    private let firstMoments: [Tensor]
    private let secondMoments: [Tensor]

    public init(_ parameters: [(String, Tensor)], learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
                epsilon: Float = 1e-8, weightDecay: Float = 0, decoupledWeightDecay: Bool = false) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.beta1 = beta1; self.beta2 = beta2; self.epsilon = epsilon
        self.weightDecay = weightDecay; self.decoupledWeightDecay = decoupledWeightDecay
        firstMoments = parameters.map { Tensor.zeros($0.1.shape) }
        secondMoments = parameters.map { Tensor.zeros($0.1.shape) }
    }

    /// AdamW with PyTorch's default decay of 0.01.
    public static func adamW(_ parameters: [(String, Tensor)], learningRate: Float = 1e-3, beta1: Float = 0.9,
                             beta2: Float = 0.999, weightDecay: Float = 0.01) -> Adam {
        Adam(parameters, learningRate: learningRate, beta1: beta1, beta2: beta2, weightDecay: weightDecay, decoupledWeightDecay: true)
    }

    public func step() {
        stepCount += 1
        let t = Double(stepCount)
        let correction1 = Float(1 - Foundation.pow(Double(beta1), t))
        let correction2Root = Float((1 - Foundation.pow(Double(beta2), t)).squareRoot())
        let (lr, b1, b2, eps, wd, decoupled) = (learningRate, beta1, beta2, epsilon, weightDecay, decoupledWeightDecay)
        let stepSize = lr / correction1
        for ((_, p), (m, v)) in zip(parameters, zip(firstMoments, secondMoments)) {
            guard let g = p.grad?.plain() else { continue }
            let pp = p.storage.pointer, pg = g.storage.pointer
            let pm = m.storage.pointer, pv = v.storage.pointer
            for i in 0..<p.count {
                var grad = pg[i]
                if decoupled { pp[i] *= 1 - lr * wd } else if wd != 0 { grad += wd * pp[i] }
                pm[i] = b1 * pm[i] + (1 - b1) * grad
                pv[i] = b2 * pv[i] + (1 - b2) * grad * grad
                // PyTorch's formulation: p −= lr/c1 · m / (√v / √c2 + ε)
                pp[i] -= stepSize * pm[i] / (pv[i].squareRoot() / correction2Root + eps)
            }
            p.storage.markModified()
        }
    }

    public func namedState() -> [(String, Tensor)] {
        zip(parameters, zip(firstMoments, secondMoments)).flatMap { param, moments in
            [("exp_avg.\(param.0)", moments.0), ("exp_avg_sq.\(param.0)", moments.1)]
        }
    }
}
