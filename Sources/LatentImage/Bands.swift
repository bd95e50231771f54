import Dispatch

/// Splits row-parallel image work (resampling, colour conversion, clamping) over threads.
/// LatentImage does not know the engine's thread setting, so callers pass `workers`.
public enum Bands {
    /// Below this many samples per thread, the work stays on the calling thread: waking a
    /// worker costs more than it saves.
    public static let minimumSamplesPerWorker = 65_536

    /// Calls `body` on disjoint bands of items covering `0..<count`, on up to `workers` threads.
    /// `samplesPerItem` (e.g. a row's width) sizes the work; bands never split an item.
    public static func forEach(_ count: Int, workers: Int, samplesPerItem: Int = 1, _ body: (Range<Int>) -> Void) {
        let useful = min(workers, max(1, count * samplesPerItem / minimumSamplesPerWorker), count)
        if useful <= 1 { body(0..<count); return }
        let band = (count + useful - 1) / useful
        DispatchQueue.concurrentPerform(iterations: useful) { i in
            let range = (i * band)..<min(count, (i + 1) * band)
            if !range.isEmpty { body(range) }
        }
    }
}
