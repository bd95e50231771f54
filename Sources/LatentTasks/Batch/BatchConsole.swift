import Foundation

/// Prints a batch run for people and scripts.
///
/// stderr: one line per failed file (`path: reason`), notes, a live progress line when stderr
/// is a terminal (rewritten in place, at most ~5 times a second) and the summary; `quiet`
/// leaves only failures and the summary. stdout, with `json`: one object per file and the
/// summary object, nothing else.
public final class BatchConsole: BatchObserver {
    let command: String
    let json: Bool
    let quiet: Bool
    let live: Bool
    private var lineShown = false
    private var lastDraw = 0.0

    public init(command: String, json: Bool, quiet: Bool, stderrIsTerminal: Bool = isatty(2) != 0) {
        self.command = command
        self.json = json
        self.quiet = quiet
        self.live = stderrIsTerminal && !quiet
    }

    private func err(_ text: String) {
        clearLine()
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    private func clearLine() {
        if lineShown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)); lineShown = false }
    }

    public func noted(_ message: String, input: String?) {
        if !quiet { err("\(command): " + (input.map { "\($0): " } ?? "") + message) }
    }

    public func finished(_ result: BatchFileResult) {
        if json {
            print(result.json)
            fflush(stdout)
        }
        if result.status == .error { err("\(command): \(result.input): \(result.message ?? "failed")") }
        // Skips of finished work are only counted (a resumed run would print one per file).
        if result.status == .skipped, !quiet, let message = result.message, message != BatchFileResult.outputExists {
            err("\(command): \(result.input): skipped: \(message)")
        }
    }

    public func progressed(_ progress: BatchProgress) {
        guard live else { return }
        let now = Date().timeIntervalSinceReferenceDate
        guard now - lastDraw > 0.2 || progress.finished == progress.total else { return }
        lastDraw = now
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + progress.line).utf8))
        lineShown = true
    }

    public func completed(_ summary: BatchSummary) {
        err("\(command): " + summary.text)
        if json { print(summary.json); fflush(stdout) }
    }

    /// Ends the live line (used when an interrupt stops the run).
    public func interrupt() { if lineShown { FileHandle.standardError.write(Data("\n".utf8)) } }
}
