import LatentTensor

/// Batch normalisation over the channels (axis 1), the state and behaviour shared by
/// `BatchNorm1d` and `BatchNorm2d`, with PyTorch's `state_dict` names: `weight`, `bias`,
/// `running_mean`, `running_var` (tensors) and `num_batches_tracked` (an integer buffer).
///
/// In training mode (`Module.training`) it normalises with the batch statistics and updates
/// the running ones (r ← (1 − momentum)·r + momentum·batch, the variance unbiased), counting
/// the batch; in evaluation mode it normalises with the running statistics and changes nothing.
public class BatchNorm: Module {
    /// γ [C], trained; nil without affine parameters.
    public let weight: Tensor?
    /// β [C], trained; nil without affine parameters.
    public let bias: Tensor?
    /// Buffers, never trained: they do not require gradients, so optimizers never see them.
    public let runningMean: Tensor
    public let runningVariance: Tensor
    /// Training batches seen; PyTorch keeps it as an int64 buffer.
    public private(set) var numBatchesTracked = 0
    public let momentum: Float
    public let epsilon: Float

    /// PyTorch's initial state: γ = 1, β = 0, running mean 0, running variance 1.
    public init(_ features: Int, epsilon: Float = 1e-5, momentum: Float = 0.1, affine: Bool = true) {
        weight = affine ? Tensor.ones([features]).requiringGrad() : nil
        bias = affine ? Tensor.zeros([features]).requiringGrad() : nil
        runningMean = Tensor.zeros([features])
        runningVariance = Tensor.ones([features])
        self.momentum = momentum
        self.epsilon = epsilon
    }

    public var features: Int { runningMean.shape[0] }

    /// The Swift property names are not PyTorch's (`running_mean`), so the names are listed
    /// here rather than found by reflection; the order is PyTorch's `state_dict` order.
    override public func namedLocalTensors() -> [(String, Tensor)] {
        var result: [(String, Tensor)] = []
        if let weight { result.append(("weight", weight)) }
        if let bias { result.append(("bias", bias)) }
        result.append(("running_mean", runningMean))
        result.append(("running_var", runningVariance))
        return result
    }

    override public func localIntegerBuffers() -> [(String, Int)] {
        [("num_batches_tracked", numBatchesTracked)]
    }

    override public func setLocalIntegerBuffer(_ name: String, _ value: Int) {
        if name == "num_batches_tracked" { numBatchesTracked = value }
    }

    /// x: [N, C, H, W] or [N, C] → the same shape.
    func normalize(_ x: Tensor) -> Tensor {
        precondition(x.shape[1] == features, "\(Self.self): input has \(x.shape[1]) channels, the layer \(features)")
        if training { numBatchesTracked += 1 }
        return batchNorm(x, weight: weight, bias: bias, runningMean: runningMean, runningVar: runningVariance,
                         training: training, momentum: momentum, epsilon: epsilon)
    }
}

/// `torch.nn.BatchNorm2d`: statistics per channel over N, H and W.
public final class BatchNorm2d: BatchNorm {
    /// x: [N, C, H, W] → [N, C, H, W]
    public func callAsFunction(_ x: Tensor) -> Tensor {
        precondition(x.rank == 4, "BatchNorm2d wants [N, C, H, W], got \(x.shape)")
        return normalize(x)
    }
}

/// `torch.nn.BatchNorm1d`: statistics per feature over N (and L for sequences).
public final class BatchNorm1d: BatchNorm {
    /// x: [N, C] or [N, C, L] → the same shape.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        switch x.rank {
        case 2:
            return normalize(x)
        case 3:
            // [N, C, L] normalises exactly like the image [N, C, L, 1].
            return normalize(x.reshaped([x.shape[0], x.shape[1], x.shape[2], 1])).reshaped(x.shape)
        default:
            preconditionFailure("BatchNorm1d wants [N, C] or [N, C, L], got \(x.shape)")
        }
    }
}
