import LatentTensor

/// Updates parameters in place from their accumulated gradients.
///
/// Optimizer state (moments, step count) is exposed as named tensors so that a checkpoint
/// can store it and `--resume` continues bit-exactly.
public protocol Optimizer: AnyObject {
    /// The learning rate of the next step (schedules set it before each step).
    var learningRate: Float { get set }
    /// Steps taken so far.
    var stepCount: Int { get set }
    /// Applies one update from each parameter's `grad` (parameters without one are left alone).
    func step()
    /// State tensors by name, e.g. `exp_avg.conv1.weight` (shared storage: writing restores).
    func namedState() -> [(String, Tensor)]
}

extension Optimizer {
    /// Copies state saved by `namedState()` back; missing or mis-shaped entries are an error.
    public func loadState(_ saved: [String: Tensor], stepCount: Int) throws {
        for (name, tensor) in namedState() {
            guard let source = saved[name] else { throw OptimizerStateError.missing(name) }
            guard source.shape == tensor.shape else { throw OptimizerStateError.shapeMismatch(name, source.shape, tensor.shape) }
            source.withUnsafeBufferPointer { src in
                tensor.withUnsafeMutableBufferPointer { dst in _ = dst.update(fromContentsOf: src) }
            }
        }
        self.stepCount = stepCount
    }
}

public enum OptimizerStateError: Error, CustomStringConvertible {
    case missing(String)
    case shapeMismatch(String, [Int], [Int])

    public var description: String {
        switch self {
        case .missing(let name): return "optimizer state \"\(name)\" is missing from the checkpoint"
        case .shapeMismatch(let name, let got, let want): return "optimizer state \"\(name)\" has shape \(got), expected \(want)"
        }
    }
}

/// Scales all gradients so that their joint L2 norm is at most `maxNorm`
/// (`torch.nn.utils.clip_grad_norm_`); returns the norm before clipping.
@discardableResult
public func clipGradientNorm(_ parameters: [Tensor], maxNorm: Float) -> Float {
    var total: Double = 0
    for p in parameters {
        guard let g = p.grad else { continue }
        g.withUnsafeBufferPointer { for v in $0 { total += Double(v) * Double(v) } }
    }
    let norm = Float(total.squareRoot())
    let scale = maxNorm / (norm + 1e-6)
    if scale < 1 {
        for p in parameters {
            guard let g = p.grad else { continue }
            // Gradients may share storage with other tensors of a finished graph: scale a copy.
            let scaled = Autograd.withoutGrad { g * scale }
            p.grad = scaled
        }
    }
    return norm
}
