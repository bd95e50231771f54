import Dispatch
import Foundation

/// SIGINT (Ctrl-C) and SIGTERM (kill, Slurm and Kubernetes stopping a job) remove the outputs
/// being written before the process exits with 128 + signal (130, 143), so an interrupted run
/// leaves only complete outputs and resumes where it stopped.
///
/// The signals are received through dispatch sources, so the cleanup runs as ordinary code on a
/// dispatch thread (not in a signal handler) even while the main thread is deep in a convolution.
public enum InterruptCleanup {
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []
    nonisolated(unsafe) private static var beforeExit: () -> Void = {}

    /// Installs the handlers once; `beforeExit` runs after the files are gone (e.g. to end a
    /// progress line).
    public static func install(beforeExit: @escaping () -> Void = {}) {
        self.beforeExit = beforeExit
        guard sources.isEmpty else { return }
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global(qos: .userInteractive))
            source.setEventHandler {
                let removed = TemporaryFiles.removeAllBeforeExit()
                InterruptCleanup.beforeExit()
                let name = signalNumber == SIGINT ? "SIGINT" : "SIGTERM"
                let message = "latent: interrupted by \(name)" + (removed > 0 ? "; removed \(removed) unfinished output" + (removed == 1 ? "" : "s") : "") + "\n"
                fflush(stdout)
                FileHandle.standardError.write(Data(message.utf8))
                _exit(128 + signalNumber)
            }
            source.resume()
            sources.append(source)
        }
    }
}
