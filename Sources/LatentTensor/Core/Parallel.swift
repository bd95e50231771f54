import Dispatch

/// Splits work over `Engine.threads` workers for the Swift kernels.
enum Parallel {
    /// Below this many elements, a kernel runs on the calling thread: waking workers costs more.
    static let minimumElementsPerWorker = 32_768

    /// Calls `body(range)` on disjoint ranges that cover `0..<count`, possibly concurrently.
    static func forEachChunk(_ count: Int, minimumChunk: Int = minimumElementsPerWorker,
                             _ body: (Range<Int>) -> Void) {
        let workers = min(Engine.threads, max(1, count / max(minimumChunk, 1)))
        if workers <= 1 { body(0..<count); return }
        let chunk = (count + workers - 1) / workers
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            let start = w * chunk
            let end = min(count, start + chunk)
            if start < end { body(start..<end) }
        }
    }

    /// Calls `body(i)` for each `i` in `0..<count` (coarse tasks such as one image or channel each).
    static func forEach(_ count: Int, _ body: (Int) -> Void) {
        if Engine.threads <= 1 || count <= 1 { for i in 0..<count { body(i) }; return }
        DispatchQueue.concurrentPerform(iterations: count, execute: body)
    }
}
