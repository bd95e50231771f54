/// Reverse-mode automatic differentiation over a graph built as ops run.
///
/// Each op that sees an input requiring gradients records an `AutogradNode`: its inputs
/// and a closure mapping the output's gradient to the inputs' gradients. `backward()`
/// walks the graph once in reverse topological order. Backward closures run with
/// recording switched off, so they may use the ordinary ops (no higher-order gradients).
final class AutogradNode {
    let inputs: [Tensor]
    let backward: (Tensor) -> [Tensor?]

    init(inputs: [Tensor], backward: @escaping (Tensor) -> [Tensor?]) {
        self.inputs = inputs
        self.backward = backward
    }
}

public enum Autograd {
    /// Whether ops record the graph. Global, not per thread: training and inference in this
    /// program never run concurrently on different threads.
    nonisolated(unsafe) public private(set) static var isRecording = true

    /// Runs `body` without recording a graph (inference, optimizer updates, metrics).
    public static func withoutGrad<T>(_ body: () throws -> T) rethrows -> T {
        let previous = isRecording
        isRecording = false
        defer { isRecording = previous }
        return try body()
    }

    /// Attaches `backward` to `output` when any input wants gradients.
    /// Closures must not capture `output` itself (that would be a reference cycle): capture
    /// `output.detached()` when the backward needs the forward result.
    static func record(_ output: Tensor, inputs: [Tensor], backward: @escaping (Tensor) -> [Tensor?]) -> Tensor {
        guard isRecording, inputs.contains(where: { $0.requiresGrad }) else { return output }
        output.requiresGrad = true
        output.node = AutogradNode(inputs: inputs, backward: backward)
        return output
    }
}

extension Tensor {
    /// Back-propagates from this tensor. Without `gradient`, the tensor must hold one element
    /// (a loss) and its gradient is 1. Leaf tensors that require gradients accumulate them
    /// in `grad` (in plain layout) across calls; set `grad = nil` to start afresh.
    public func backward(_ gradient: Tensor? = nil) {
        let seed: Tensor
        if let gradient {
            precondition(gradient.shape == shape, "gradient shape \(gradient.shape) differs from \(shape)")
            seed = gradient
        } else {
            precondition(count == 1, "backward() without a gradient needs a one-element tensor, got \(shape)")
            seed = Tensor.full(shape, 1)
        }
        guard requiresGrad else { return }

        // Reverse topological order by an iterative depth-first search (graphs can be deep).
        var order: [Tensor] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(Tensor, Bool)] = [(self, false)]
        while let (tensor, expanded) = stack.popLast() {
            if expanded { order.append(tensor); continue }
            guard visited.insert(ObjectIdentifier(tensor)).inserted else { continue }
            stack.append((tensor, true))
            for input in tensor.node?.inputs ?? [] where input.requiresGrad && !visited.contains(ObjectIdentifier(input)) {
                stack.append((input, false))
            }
        }

        Autograd.withoutGrad {
            var grads: [ObjectIdentifier: Tensor] = [ObjectIdentifier(self): seed]
            for tensor in order.reversed() {
                guard let g = grads.removeValue(forKey: ObjectIdentifier(tensor)) else { continue }
                guard let node = tensor.node else {
                    // A leaf: accumulate into .grad.
                    let plainGrad = g.layout == .plain ? g : Reorder.toPlain(g)
                    tensor.grad = tensor.grad.map { Tensor.accumulate($0, plainGrad) } ?? plainGrad
                    continue
                }
                let inputGrads = node.backward(g)
                precondition(inputGrads.count == node.inputs.count, "backward returned \(inputGrads.count) gradients for \(node.inputs.count) inputs")
                for (input, inputGrad) in zip(node.inputs, inputGrads) where input.requiresGrad {
                    guard let inputGrad else { continue }
                    precondition(inputGrad.shape == input.shape,
                                 "gradient shape \(inputGrad.shape) for input of shape \(input.shape)")
                    let key = ObjectIdentifier(input)
                    grads[key] = grads[key].map { Tensor.accumulate($0, inputGrad) } ?? inputGrad
                }
            }
        }
    }

    /// `a + b` into fresh storage, whatever the two layouts (gradients are never mutated in place,
    /// since one gradient tensor may be shared by several inputs).
    static func accumulate(_ a: Tensor, _ b: Tensor) -> Tensor {
        ElementwiseKernels.binary(a, b) { $0 + $1 }
    }
}
