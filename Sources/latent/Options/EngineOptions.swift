import ArgumentParser
import LatentTensor

/// Options every command that runs a network shares.
struct EngineOptions: ParsableArguments {
    @Option(help: "Worker threads for the kernels (default: all cores).")
    var threads: Int?

    @Option(help: ArgumentHelp("Kernel backend: dnnl (fast) or reference (plain Swift, for checking).", valueName: "name"))
    var backend: String = Backend.dnnl.rawValue

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        guard Backend(rawValue: backend) != nil else {
            throw ValidationError("--backend must be one of: \(Backend.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    /// Applies the settings to the engine.
    func apply() {
        if let threads { Engine.setThreads(threads) }
        Engine.backend = Backend(rawValue: backend) ?? .dnnl
    }
}
