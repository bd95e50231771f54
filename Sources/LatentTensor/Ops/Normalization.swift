// Batch normalization with autograd, as PyTorch's BatchNorm1d/2d, over the channels (axis 1)
// of [N, C, H, W] tensors in either layout, or the features of [N, F] matrices.

/// y = (x − μ[c]) / √(σ²[c] + ε) · weight[c] + bias[c].
///
/// Training: μ, σ² are the batch statistics over N (and H, W), σ² biased. When given,
/// `runningMean` and `runningVar` are updated in place (outside the graph) as PyTorch does:
/// r ← (1 − momentum)·r + momentum·s, with the *unbiased* batch variance for `runningVar`.
/// Evaluation: μ, σ² are `runningMean`, `runningVar`, which must be given.
/// `weight` and `bias` are optional (nil: 1 and 0). x: [N, C, H, W] or [N, F]; the rest: [C].
public func batchNorm(_ x: Tensor, weight: Tensor? = nil, bias: Tensor? = nil,
                      runningMean: Tensor? = nil, runningVar: Tensor? = nil,
                      training: Bool, momentum: Float = 0.1, epsilon: Float = 1e-5) -> Tensor {
    precondition(x.rank == 4 || x.rank == 2, "batchNorm wants [N, C, H, W] or [N, F], got \(x.shape)")
    let c = x.shape[1]
    for p in [weight, bias, runningMean, runningVar] {
        if let p { precondition(p.shape == [c], "batchNorm: parameter \(p.shape) for \(c) channels") }
    }
    let image = ChannelKernels.asImage(x)
    let perChannel = x.count / max(c, 1)

    let mean: [Float], variance: [Float]
    if training {
        precondition(perChannel > 1, "batchNorm: training needs more than one value per channel, got \(x.shape)")
        (mean, variance) = ChannelKernels.moments(image)
        if let runningMean, let runningVar {
            let unbias = Float(perChannel) / Float(perChannel - 1)
            let (rm, rv) = (runningMean.storage.pointer, runningVar.storage.pointer)
            for i in 0..<c {
                rm[i] = (1 - momentum) * rm[i] + momentum * mean[i]
                rv[i] = (1 - momentum) * rv[i] + momentum * variance[i] * unbias
            }
            // Updated in place: caches keyed on storage versions must see the change.
            runningMean.storage.markModified()
            runningVar.storage.markModified()
        }
    } else {
        guard let runningMean, let runningVar else { preconditionFailure("batchNorm: evaluation needs running statistics") }
        (mean, variance) = (runningMean.toArray(), runningVar.toArray())
    }
    let invStd = variance.map { 1 / ($0 + epsilon).squareRoot() }
    let gamma = weight?.toArray() ?? [Float](repeating: 1, count: c)
    let beta = bias?.toArray() ?? [Float](repeating: 0, count: c)
    let scale = (0..<c).map { gamma[$0] * invStd[$0] }
    let shift = (0..<c).map { beta[$0] - mean[$0] * scale[$0] }
    let y = Tensor(storage: ChannelKernels.scaleShift(image, scale: scale, shift: shift).storage,
                   shape: x.shape, layout: x.layout)

    let savedImage = image.detached()
    let inputs = [x] + [weight, bias].compactMap { $0 }
    let (hasWeight, hasBias) = (weight != nil, bias != nil)
    return Autograd.record(y, inputs: inputs) { g in
        let g = ChannelKernels.inLayout(of: savedImage, ChannelKernels.asImage(g))
        let m = Float(perChannel)
        // Σ g and Σ g·(x − μ) per channel; Σ g·x̂ = invStd · Σ g·(x − μ).
        let sumG = ChannelKernels.reduce(g, g, center: mean) { g, _, _ in g }.map { Float($0) }
        let sumGX = ChannelKernels.reduce(g, savedImage, center: mean) { g, x, mu in g * (x - mu) }.map { Float($0) }
        let dx: Tensor
        if training {
            // The batch statistics depend on x too:
            // dx = scale · (g − Σg/M − (x − μ)·invStd²·Σg(x − μ)/M), folded to g·α + x·β + γ.
            let k = (0..<c).map { invStd[$0] * invStd[$0] * sumGX[$0] / m }
            let alpha = scale
            let betaX = (0..<c).map { -scale[$0] * k[$0] }
            let gammaC = (0..<c).map { scale[$0] * (mean[$0] * k[$0] - sumG[$0] / m) }
            dx = ChannelKernels.combine(g, savedImage, alpha: alpha, beta: betaX, gamma: gammaC)
        } else {
            dx = ChannelKernels.scaleShift(g, scale: scale, shift: [Float](repeating: 0, count: c))
        }
        var grads: [Tensor?] = [Tensor(storage: dx.storage, shape: x.shape, layout: dx.layout)]
        if hasWeight { grads.append(Tensor((0..<c).map { sumGX[$0] * invStd[$0] }, shape: [c])) }
        if hasBias { grads.append(Tensor(sumG, shape: [c])) }
        return grads
    }
}
