import CLatentShim
import Foundation

/// A 64-byte aligned, fixed-size buffer of Float32 owned by one or more tensors.
///
/// Aligned because oneDNN's AVX-512 kernels and the vectorized Swift loops both prefer
/// cache-line aligned rows; a class so that views (`detached()`, reshapes) share it. Buffers of
/// 4 MiB or more are 2 MiB aligned and advised onto transparent huge pages (LATENT_HUGE_PAGES=0
/// turns the advice off; see `latent_advise_huge_pages`).
public final class TensorStorage {
    public let count: Int
    private static let hugePage = 2 << 20
    public let pointer: UnsafeMutablePointer<Float>
    /// Bumped whenever the values change in place (optimizer steps, loading weights), so that
    /// caches of derived data (e.g. oneDNN's reordered weights) know when to refresh.
    public private(set) var version = 0

    public func markModified() { version &+= 1 }

    public init(count: Int) {
        precondition(count >= 0, "negative element count")
        self.count = count
        var raw: UnsafeMutableRawPointer?
        var bytes = max(count, 1) * MemoryLayout<Float>.stride
        // Large buffers (activations of big feature maps, every training step) start on 2 MiB
        // boundaries and span whole 2 MiB pages, advised onto transparent huge pages before the
        // first touch: one fault per 2 MiB instead of 512 (see `latent_advise_huge_pages`).
        let large = bytes >= latent_huge_page_threshold()
        if large { bytes = (bytes + Self.hugePage - 1) / Self.hugePage * Self.hugePage }
        guard posix_memalign(&raw, large ? Self.hugePage : 64, bytes) == 0, let raw else {
            fatalError("out of memory allocating \(bytes) bytes for a tensor")
        }
        if large { latent_advise_huge_pages(raw, bytes, Int32(LATENT_HUGE_PAGES_TENSORS)) }
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
    }

    /// A zero-filled buffer.
    public convenience init(zeros count: Int) {
        self.init(count: count)
        pointer.initialize(repeating: 0, count: count)
    }

    deinit { free(pointer) }

    public var buffer: UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(start: pointer, count: count)
    }
}
