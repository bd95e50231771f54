/// Receives a batch run's events (to print them, or to collect them in a test). Calls may come
/// from the pipeline's threads, one at a time.
public protocol BatchObserver: AnyObject {
    func noted(_ message: String, input: String?)
    func finished(_ result: BatchFileResult)
    func progressed(_ progress: BatchProgress)
    func completed(_ summary: BatchSummary)
}
