// Inverted dropout with autograd.

/// Zeroes each element with probability `probability` and scales the survivors by
/// 1 / (1 − probability), so that the expected value is unchanged and evaluation needs no
/// rescaling. The identity when not training (or when the probability is 0).
///
/// The mask is drawn from `rng` in the logical (plain row-major) order of x, so a blocked
/// input gets the same mask as its plain twin and the same seed gives the same result.
public func dropout(_ x: Tensor, probability: Float, training: Bool, using rng: inout RandomSource) -> Tensor {
    precondition(probability >= 0 && probability <= 1, "dropout probability \(probability) outside [0, 1]")
    guard training && probability > 0 else { return x }
    let keep: Float = probability < 1 ? 1 / (1 - probability) : 0
    var mask = Tensor.empty(x.shape)
    let m = mask.storage.pointer
    for i in 0..<x.count { m[i] = rng.uniform() < probability ? 0 : keep }
    if x.layout == .blocked { mask = Reorder.toBlocked(mask) }
    let y = ElementwiseKernels.binary(x, mask) { $0 * $1 }
    let savedMask = mask
    return Autograd.record(y, inputs: [x]) { g in [ElementwiseKernels.binary(g, savedMask) { $0 * $1 }] }
}
