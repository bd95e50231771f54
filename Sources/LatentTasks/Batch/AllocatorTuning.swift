import CLatentShim

/// Makes freed image and activation buffers go back to the system.
///
/// glibc serves allocations above `M_MMAP_THRESHOLD` with mmap and unmaps them on free, but by
/// default it raises that threshold to the size of each large block freed, after which tile
/// buffers of tens of megabytes come from the heap, fragment it, and stay resident. Fixing the
/// threshold at 1 MiB keeps peak RSS near the live size: measured on a 4 MP image, 1.19 GB
/// without, 0.45 GB with (docs/batch.md).
enum AllocatorTuning {
    static func returnLargeBuffersToTheSystem() {
        _ = latent_set_mmap_threshold(1 << 20)
    }
}
