import Foundation

/// A bounded recycling pool for large tensor buffers.
///
/// Every op allocates its output afresh, and with glibc's mmap threshold fixed at 1 MiB
/// (`AllocatorTuning`, which bounds peak RSS) every large buffer is a fresh mmap whose pages
/// the kernel zero-fills on first touch and unmaps on free: about a fifth of inference time
/// went to page faults. The pool keeps freed buffers of at least `minimumBytes`, up to
/// `capacity` bytes in all, and hands them to later allocations of the same size class, so a
/// tiled or training loop that repeats the same shapes touches no new pages after its first
/// iteration. Sizes round up to a quarter of a power of two (at most 25% over); a request takes
/// the smallest idle buffer of its class or up to twice its size. When full, the buffers
/// released longest ago are freed first. Thread-safe.
public enum StoragePool {
    /// Smaller buffers come from malloc's own bins, which already recycle them.
    public static let minimumBytes = 64 << 10

    /// Most bytes of idle buffers kept; 0 disables the pool. Default 256 MiB
    /// (`LATENT_STORAGE_POOL_MB` overrides it at startup).
    public static var capacity: Int {
        get { lock.lock(); defer { lock.unlock() }; return capacityBytes }
        set {
            lock.lock()
            capacityBytes = max(0, newValue)
            let evicted = evict(toFit: 0)
            lock.unlock()
            evicted.forEach { free($0) }
        }
    }

    /// Bytes of idle buffers held now.
    public static var idleBytes: Int { lock.lock(); defer { lock.unlock() }; return heldBytes }

    /// Frees every idle buffer.
    public static func drain() {
        lock.lock()
        let all = idle.map(\.pointer)
        idle.removeAll()
        heldBytes = 0
        lock.unlock()
        all.forEach { free($0) }
    }

    // MARK: Hooks for TensorStorage

    /// A 64-byte aligned buffer of at least `bytes`; release it with `release(_:bytes:)`.
    static func allocate(bytes: Int) -> UnsafeMutableRawPointer {
        let size = sizeClass(bytes)
        guard size >= minimumBytes else { return alignedAllocation(size) }
        lock.lock()
        // Best fit up to twice the size: the edge tiles of a grid, smaller than the interior
        // ones, reuse their (already resident) buffers instead of faulting in new pages.
        var best: Int?
        for i in idle.indices.reversed() where idle[i].bytes >= size && idle[i].bytes <= 2 * size {
            if best == nil || idle[i].bytes < idle[best!].bytes { best = i }
            if idle[i].bytes == size { break }
        }
        if let best {
            let (p, capacity) = idle.remove(at: best)
            heldBytes -= capacity
            live[p] = capacity
            lock.unlock()
            return p
        }
        lock.unlock()
        let p = alignedAllocation(size)
        lock.lock()
        live[p] = size
        lock.unlock()
        return p
    }

    private static func alignedAllocation(_ size: Int) -> UnsafeMutableRawPointer {
        var raw: UnsafeMutableRawPointer?
        guard posix_memalign(&raw, 64, size) == 0, let raw else {
            fatalError("out of memory allocating \(size) bytes for a tensor")
        }
        return raw
    }

    /// Takes back a buffer from `allocate(bytes:)` with the same `bytes`.
    static func release(_ pointer: UnsafeMutableRawPointer, bytes: Int) {
        guard sizeClass(bytes) >= minimumBytes else { free(pointer); return }
        lock.lock()
        let size = live.removeValue(forKey: pointer) ?? sizeClass(bytes)
        guard size <= capacityBytes else { lock.unlock(); free(pointer); return }
        let evicted = evict(toFit: size)
        idle.append((pointer, size))
        heldBytes += size
        lock.unlock()
        evicted.forEach { free($0) }
    }

    /// `bytes` rounded up to its class: multiples of a quarter of the power of two below it
    /// (from `minimumBytes` up; smaller sizes are kept exact).
    static func sizeClass(_ bytes: Int) -> Int {
        let bytes = max(bytes, 1)
        guard bytes >= minimumBytes else { return bytes }
        let top = Int.bitWidth - 1 - bytes.leadingZeroBitCount  // ⌊log2 bytes⌋
        let step = 1 << (top - 2)
        return (bytes + step - 1) / step * step
    }

    // MARK: State (under `lock`)

    private static let lock = NSLock()
    nonisolated(unsafe) private static var capacityBytes: Int = {
        if let text = ProcessInfo.processInfo.environment["LATENT_STORAGE_POOL_MB"], let mb = Int(text) { return max(0, mb) << 20 }
        return 256 << 20
    }()
    /// Idle buffers, oldest release first.
    nonisolated(unsafe) private static var idle: [(pointer: UnsafeMutableRawPointer, bytes: Int)] = []
    nonisolated(unsafe) private static var heldBytes = 0
    /// Capacity of each pooled-size buffer in use (a reused buffer may exceed its request).
    nonisolated(unsafe) private static var live: [UnsafeMutableRawPointer: Int] = [:]

    /// Drops the oldest idle buffers until `incoming` more bytes fit; returns them to free
    /// outside the lock.
    private static func evict(toFit incoming: Int) -> [UnsafeMutableRawPointer] {
        var count = 0, freed = 0
        while count < idle.count && heldBytes - freed + incoming > capacityBytes {
            freed += idle[count].bytes
            count += 1
        }
        guard count > 0 else { return [] }
        let evicted = idle.prefix(count).map(\.pointer)
        idle.removeFirst(count)
        heldBytes -= freed
        return evicted
    }
}
