import Foundation

/// The progress line of a training run: step, loss, throughput, learning rate, ETA.
/// Written to stderr, rewritten in place on a terminal and one line per report otherwise
/// (so that `nohup … > log` keeps a readable history).
public struct TrainingProgress {
    public let totalSteps: Int
    public let every: Int
    private let isTerminal = isatty(STDERR_FILENO) != 0
    private var lossSum = 0.0
    private var lossCount = 0
    private var windowStart = Date()
    private var windowSamples = 0

    public init(totalSteps: Int, every: Int = 50) {
        self.totalSteps = totalSteps
        self.every = max(1, every)
    }

    /// Records one step; prints when a window of `every` steps is complete.
    public mutating func record(step: Int, loss: Float, samples: Int, learningRate: Float, extra: String = "") {
        lossSum += Double(loss); lossCount += 1; windowSamples += samples
        guard reports(at: step) else { return }
        let seconds = Date().timeIntervalSince(windowStart)
        let rate = Double(windowSamples) / max(seconds, 1e-9)
        let stepsPerSecond = Double(lossCount) / max(seconds, 1e-9)
        let eta = Double(totalSteps - step) / max(stepsPerSecond, 1e-9)
        let line = String(format: "step %d/%d  loss %.5f  %.1f samples/s  lr %.2e  eta ",
                          step, totalSteps, lossSum / Double(max(lossCount, 1)), rate, learningRate)
            + TrainingProgress.duration(eta) + (extra.isEmpty ? "" : "  " + extra)
        FileHandle.standardError.write(Data((isTerminal ? "\r\u{1B}[K" + line : line + "\n").utf8))
        lossSum = 0; lossCount = 0; windowSamples = 0; windowStart = Date()
    }

    /// Whether `record(step:…)` prints at `step` (trainers that add window means to the line
    /// reset them there).
    public func reports(at step: Int) -> Bool { step % every == 0 || step == totalSteps }

    /// Prints a line of its own (validation results, checkpoints), ending a live line first.
    public func note(_ text: String) {
        FileHandle.standardError.write(Data(((isTerminal ? "\n" : "") + text + "\n").utf8))
    }

    public static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%dh%02dm", s / 3600, s / 60 % 60) : String(format: "%dm%02ds", s / 60, s % 60)
    }
}
