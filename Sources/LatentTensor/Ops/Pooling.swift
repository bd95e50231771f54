// 2-D pooling with autograd: max pooling (with the indices of the maxima), max unpooling
// (the fixed upsampling layer that puts values back where the maxima came from) and
// average pooling. All run on either layout and return the layout of their input.

/// Where each max-pool output came from, as PyTorch's `return_indices=True`: for output
/// element (n, c, oy, ox), the flat position iy·W + ix of its maximum within the H×W plane
/// (n, c) of the pooled input. Stored in plain [N, C, OH, OW] order whatever the layout
/// of the tensors, as Int32 (a plane never holds 2³¹ pixels).
public struct MaxPoolIndices: Sendable {
    /// [N, C, OH, OW]: the shape of the pooled output.
    public let shape: [Int]
    /// (H, W) of the pooled input: the plane the indices point into.
    public let inputSize: (height: Int, width: Int)
    public let values: [Int32]

    public init(shape: [Int], inputSize: (height: Int, width: Int), values: [Int32]) {
        precondition(shape.count == 4 && values.count == Tensor.elementCount(shape), "\(values.count) indices for shape \(shape)")
        self.shape = shape
        self.inputSize = inputSize
        self.values = values
    }
}

/// Max pooling that also returns where each maximum came from.
/// x: [N, C, H, W] → values: [N, C, OH, OW], OH = (H + 2·padding − kernel) / stride + 1.
/// The gradient goes to the position of each maximum (summed where windows overlap).
public func maxPool2dWithIndices(_ x: Tensor, kernel: (Int, Int), stride: (Int, Int)? = nil,
                                 padding: (Int, Int) = (0, 0)) -> (values: Tensor, indices: MaxPoolIndices) {
    precondition(x.rank == 4, "maxPool2d wants [N, C, H, W], got \(x.shape)")
    let window = PoolingWindow(kernel: kernel, stride: stride, padding: padding)
    let (y, raw) = PoolingKernels.maxForward(x, window: window)
    let indices = MaxPoolIndices(shape: y.shape, inputSize: (x.shape[2], x.shape[3]), values: raw)
    let inputSize = (x.shape[2], x.shape[3])
    let values = Autograd.record(y, inputs: [x]) { g in
        [PoolingKernels.scatter(g, indices: raw, outputSize: inputSize)]
    }
    return (values, indices)
}

/// Max pooling. x: [N, C, H, W] → [N, C, OH, OW].
public func maxPool2d(_ x: Tensor, kernel: (Int, Int), stride: (Int, Int)? = nil,
                      padding: (Int, Int) = (0, 0)) -> Tensor {
    maxPool2dWithIndices(x, kernel: kernel, stride: stride, padding: padding).values
}

/// The partial inverse of max pooling, as PyTorch's `MaxUnpool2d`: each value goes to the
/// position its index names in a zero plane of `outputSize` (by default the size of the
/// input that was pooled). x: [N, C, OH, OW], indices of shape [N, C, OH, OW] → [N, C, H, W].
/// The backward gathers the output gradient at the same positions.
public func maxUnpool2d(_ x: Tensor, indices: MaxPoolIndices, outputSize: (Int, Int)? = nil) -> Tensor {
    precondition(x.shape == indices.shape, "maxUnpool2d: values \(x.shape) and indices \(indices.shape) differ")
    let size = outputSize ?? (indices.inputSize.height, indices.inputSize.width)
    let raw = indices.values
    let y = PoolingKernels.scatter(x, indices: raw, outputSize: size)
    let pooledSize = (x.shape[2], x.shape[3])
    return Autograd.record(y, inputs: [x]) { g in
        [PoolingKernels.gather(g, indices: raw, outputSize: pooledSize)]
    }
}

/// Average pooling with padding counted in the divisor (PyTorch's count_include_pad = true).
/// x: [N, C, H, W] → [N, C, OH, OW], OH = (H + 2·padding − kernel) / stride + 1.
public func avgPool2d(_ x: Tensor, kernel: (Int, Int), stride: (Int, Int)? = nil,
                      padding: (Int, Int) = (0, 0)) -> Tensor {
    precondition(x.rank == 4, "avgPool2d wants [N, C, H, W], got \(x.shape)")
    let window = PoolingWindow(kernel: kernel, stride: stride, padding: padding)
    let y = PoolingKernels.averageForward(x, window: window)
    let inputSize = (x.shape[2], x.shape[3])
    return Autograd.record(y, inputs: [x]) { g in
        [PoolingKernels.averageBackward(g, inputSize: inputSize, window: window)]
    }
}
