import Foundation

/// A 64-byte aligned, fixed-size buffer of Float32 owned by one or more tensors.
///
/// Aligned because oneDNN's AVX-512 kernels and the vectorized Swift loops both prefer
/// cache-line aligned rows; a class so that views (`detached()`, reshapes) share it.
public final class TensorStorage {
    public let count: Int
    public let pointer: UnsafeMutablePointer<Float>
    /// Bumped whenever the values change in place (optimizer steps, loading weights), so that
    /// caches of derived data (e.g. oneDNN's reordered weights) know when to refresh.
    public private(set) var version = 0

    public func markModified() { version &+= 1 }

    /// Copies derived from these values, stamped with `version` (see `DerivedValues`).
    var derivedValues: DerivedValues?

    public init(count: Int) {
        precondition(count >= 0, "negative element count")
        self.count = count
        let bytes = max(count, 1) * MemoryLayout<Float>.stride
        let raw = StoragePool.allocate(bytes: bytes)  // recycled large buffers (StoragePool.swift)
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
    }

    /// A zero-filled buffer.
    public convenience init(zeros count: Int) {
        self.init(count: count)
        pointer.initialize(repeating: 0, count: count)
    }

    deinit { StoragePool.release(pointer, bytes: max(count, 1) * MemoryLayout<Float>.stride) }

    public var buffer: UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(start: pointer, count: count)
    }
}
