// Softmax over channels (PyTorch's `softmax(z / T, dim=1)`) and the cross-entropy against soft
// targets that classification over per-pixel classes (colour bins) trains with.

extension Tensor {
    /// softmax(z / T) over axis 1: one distribution per image and position.
    /// z: [N, K, …] (either layout) → plain [N, K, …]. The backward is
    /// ∂/∂z_j = p_j·(g_j − Σ_k g_k·p_k) / T.
    public func channelSoftmax(temperature: Float = 1) -> Tensor {
        precondition(temperature > 0, "softmax temperature must be positive, got \(temperature)")
        let z = layout == .plain ? self : Reorder.toPlain(self)
        let p = ChannelSoftmaxKernels.softmax(z, temperature: temperature).probabilities
        let saved = p.detached(), blocked = layout == .blocked
        return Autograd.record(p, inputs: [self]) { g in
            let gPlain = g.layout == .plain ? g : Reorder.toPlain(g)
            // Σ_k g_k·p_k per position, broadcast back over k through targetSums' dot.
            let (_, dot) = ChannelSoftmaxKernels.targetSums(gPlain, saved)
            let (n, k, s) = ChannelSoftmaxKernels.geometry(saved.shape)
            let out = Tensor.empty(saved.shape)
            let pp = saved.storage.pointer, gp = gPlain.storage.pointer, op = out.storage.pointer
            for image in 0..<n {
                for c in 0..<k {
                    let base = (image * k + c) * s
                    for q in 0..<s { op[base + q] = pp[base + q] * (gp[base + q] - dot[image * s + q]) / temperature }
                }
            }
            return [blocked ? Reorder.toBlocked(out) : out]
        }
    }
}

/// Cross-entropy of soft targets with per-position weights, averaged over positions:
/// mean over (n, position) of w · Σ_k −t_k · log softmax(z)_k — PyTorch's
/// `(-(t * log_softmax(z, 1)).sum(1, keepdim=True) * w).mean()`.
///
/// logits: [N, K, …] (either layout); targets: plain, same shape, each position a distribution
/// (not required to sum to 1); weights: [N, 1, …] or nil for 1. Only the logits get a gradient,
/// w·(softmax(z)·Σ_k t_k − t) / positions: targets and weights are data, not parameters.
/// Fused (one softmax, no log-probability tensor): stable for any logit magnitude.
public func softmaxCrossEntropy(logits: Tensor, targets: Tensor, weights: Tensor? = nil) -> Tensor {
    precondition(targets.shape == logits.shape, "targets \(targets.shape) do not match logits \(logits.shape)")
    let z = logits.layout == .plain ? logits : Reorder.toPlain(logits)
    let t = targets.layout == .plain ? targets : Reorder.toPlain(targets)
    let (n, _, s) = ChannelSoftmaxKernels.geometry(z.shape)
    if let weights {
        precondition(weights.shape[0] == n && weights.shape[1] == 1 && weights.count == n * s,
                     "weights \(weights.shape) must be [N, 1, …] for logits \(logits.shape)")
    }
    let w = weights.map { $0.layout == .plain ? $0 : Reorder.toPlain($0) }
    let (p, lse) = ChannelSoftmaxKernels.softmax(z, temperature: 1)
    let (mass, dot) = ChannelSoftmaxKernels.targetSums(t, z)
    let positions = n * s
    var total = 0.0
    for q in 0..<positions {
        let weight = w.map { Double($0.storage.pointer[q]) } ?? 1
        total += weight * (Double(lse[q]) * Double(mass[q]) - Double(dot[q]))
    }
    let out = Tensor(scalar: Float(total / Double(max(positions, 1))))
    let (savedP, savedT, savedW, blocked) = (p.detached(), t.detached(), w?.detached(), logits.layout == .blocked)
    return Autograd.record(out, inputs: [logits]) { g in
        let grad = ChannelSoftmaxKernels.crossEntropyGradient(
            probabilities: savedP, targets: savedT, mass: mass, weights: savedW.map { UnsafePointer($0.storage.pointer) },
            scale: g.item / Float(max(positions, 1)))
        return [blocked ? Reorder.toBlocked(grad) : grad]
    }
}
