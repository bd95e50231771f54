import CLatentShim

/// Process-wide set-up that must happen before any kernel runs.
public enum ProcessSetup {
    /// Makes OpenMP workers sleep rather than spin when idle (see process_setup.h); may re-execute
    /// the program once. Call first thing in an executable's `main`.
    public static func prepareThreads() {
        latent_reexec_with_passive_openmp(CommandLine.argc, CommandLine.unsafeArgv)
    }
}
