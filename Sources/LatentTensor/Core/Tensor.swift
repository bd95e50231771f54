import Foundation

/// An n-dimensional array of Float32 that remembers how it was computed.
///
/// Images are `[N, C, H, W]`, dense activations `[N, F]`. A tensor's values are fixed once
/// an op has produced them; only parameters are updated in place (by optimizers, outside
/// any recorded graph). Gradients flow back through `backward()`.
public final class Tensor {
    public let shape: [Int]
    public let layout: TensorLayout
    public let storage: TensorStorage
    /// Whether gradients are wanted for this tensor (parameters), or it depends on one that is.
    public var requiresGrad: Bool
    /// The accumulated gradient, in plain layout, after `backward()`.
    public var grad: Tensor?
    /// The op that produced this tensor, when recorded for autograd.
    var node: AutogradNode?

    /// Wraps existing storage; `storage.count` must equal the product of `shape`.
    public init(storage: TensorStorage, shape: [Int], layout: TensorLayout = .plain, requiresGrad: Bool = false) {
        precondition(storage.count == Tensor.elementCount(shape),
                     "storage of \(storage.count) elements cannot hold shape \(shape)")
        precondition(layout == .plain || TensorLayout.canBlock(shape), "shape \(shape) cannot be blocked")
        self.shape = shape
        self.layout = layout
        self.storage = storage
        self.requiresGrad = requiresGrad
    }

    /// A plain tensor holding `values` in row-major order.
    public convenience init(_ values: [Float], shape: [Int], requiresGrad: Bool = false) {
        precondition(values.count == Tensor.elementCount(shape), "\(values.count) values for shape \(shape)")
        let storage = TensorStorage(count: values.count)
        values.withUnsafeBufferPointer { src in
            storage.pointer.initialize(from: src.baseAddress!, count: values.count)
        }
        self.init(storage: storage, shape: shape, requiresGrad: requiresGrad)
    }

    /// A scalar tensor (shape `[]`).
    public convenience init(scalar: Float) {
        self.init([scalar], shape: [])
    }

    /// An uninitialized tensor, for kernels that write every element.
    public static func empty(_ shape: [Int], layout: TensorLayout = .plain) -> Tensor {
        Tensor(storage: TensorStorage(count: elementCount(shape)), shape: shape, layout: layout)
    }

    public static func zeros(_ shape: [Int], layout: TensorLayout = .plain) -> Tensor {
        Tensor(storage: TensorStorage(zeros: elementCount(shape)), shape: shape, layout: layout)
    }

    public static func full(_ shape: [Int], _ value: Float) -> Tensor {
        let t = empty(shape)
        t.storage.pointer.initialize(repeating: value, count: t.count)
        return t
    }

    public static func ones(_ shape: [Int]) -> Tensor { full(shape, 1) }

    public static func elementCount(_ shape: [Int]) -> Int {
        shape.reduce(1) { count, dim in
            precondition(dim >= 0, "negative dimension in \(shape)")
            let (product, overflow) = count.multipliedReportingOverflow(by: dim)
            precondition(!overflow, "shape \(shape) overflows")
            return product
        }
    }

    public var count: Int { storage.count }
    public var rank: Int { shape.count }

    /// The single value of a one-element tensor.
    public var item: Float {
        precondition(count == 1, "item of a tensor with \(count) elements")
        return storage.pointer[0]
    }

    /// The values in row-major order of `shape`, whatever the layout.
    public func toArray() -> [Float] {
        let source = layout == .plain ? self : Reorder.toPlain(self)
        return Array(source.storage.buffer)
    }

    /// The same values, cut off from the graph (shares storage).
    public func detached() -> Tensor {
        Tensor(storage: storage, shape: shape, layout: layout)
    }

    /// Marks a leaf as wanting gradients and returns it, for fluent parameter set-up.
    @discardableResult
    public func requiringGrad(_ flag: Bool = true) -> Tensor {
        requiresGrad = flag
        return self
    }

    /// Read-only access to the raw elements in storage order.
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(storage.buffer))
    }

    /// In-place access to the raw elements; only for parameters and freshly made tensors.
    /// Marks the storage modified afterwards, so caches of derived copies (oneDNN's reordered
    /// weights) refresh.
    public func withUnsafeMutableBufferPointer<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        defer { storage.markModified() }
        return try body(storage.buffer)
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let values = toArray()
        let preview = values.prefix(8).map { String(format: "%.4g", $0) }.joined(separator: ", ")
        return "Tensor(shape: \(shape), layout: \(layout), [\(preview)\(values.count > 8 ? ", …" : "")])"
    }
}
