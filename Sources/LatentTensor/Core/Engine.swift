import CLatentShim

/// Which kernels run the heavy ops (convolution, transposed convolution, dense layers).
public enum Backend: String, Sendable, CaseIterable {
    /// Plain Swift loops: simple, obviously right, the test oracle.
    case reference
    /// oneDNN 2.6 primitives on channel-blocked activations.
    case dnnl
}

/// Process-wide engine settings.
public enum Engine {
    /// The backend used by ops created from now on. oneDNN by default.
    nonisolated(unsafe) public static var backend: Backend = .dnnl

    /// Runs `body` with another backend, restoring the previous one afterwards.
    @discardableResult
    public static func withBackend<T>(_ backend: Backend, _ body: () throws -> T) rethrows -> T {
        let previous = self.backend
        self.backend = backend
        defer { self.backend = previous }
        return try body()
    }

    /// Worker threads for kernels (oneDNN's and the Swift ones); defaults to all cores.
    nonisolated(unsafe) public private(set) static var threads: Int = Int(latent_cpu_count())

    public static func setThreads(_ count: Int) {
        threads = max(1, count)
        threadCountObservers.forEach { $0(threads) }
    }

    /// Backends that keep their own thread pools register here to follow `setThreads`.
    nonisolated(unsafe) static var threadCountObservers: [(Int) -> Void] = []
}
