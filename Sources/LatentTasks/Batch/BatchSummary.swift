import Foundation

/// The totals of a batch run and its exit status.
public struct BatchSummary: Sendable, Equatable {
    public var done = 0
    public var skipped = 0
    public var failed = 0
    public var seconds = 0.0
    /// Input megapixels processed (done files only).
    public var megapixels = 0.0

    public init() {}

    public init(results: [BatchFileResult], seconds: Double) {
        for result in results { add(result) }
        self.seconds = seconds
    }

    public mutating func add(_ result: BatchFileResult) {
        switch result.status {
        case .ok: done += 1; megapixels += result.megapixels
        case .skipped: skipped += 1
        case .error: failed += 1
        }
    }

    public var total: Int { done + skipped + failed }

    /// 0 when nothing failed, 1 when any file failed. (Usage errors never get this far: the
    /// command line parser exits with 64, EX_USAGE.)
    public var exitStatus: Int32 { failed == 0 ? 0 : 1 }

    public var text: String {
        let rate = seconds > 0 && megapixels > 0 ? String(format: ", %.2f MP/s", megapixels / seconds) : ""
        return "\(done) done, \(skipped) skipped, \(failed) failed in " + BatchProgress.duration(seconds) + rate
    }

    /// The final `--json` object; "summary": true tells it apart from the per-file objects.
    public var json: String {
        JSONLine.encode(["summary": .bool(true), "done": .number(Double(done)), "skipped": .number(Double(skipped)),
                         "failed": .number(Double(failed)), "seconds": .number((seconds * 1000).rounded() / 1000),
                         "megapixels": .number((megapixels * 1000).rounded() / 1000)])
    }
}
