import CDNNL
import CLatentShim

/// The process-wide oneDNN CPU engine and the stream primitives run on.
///
/// oneDNN's CPU stream executes synchronously on the calling thread (with an OpenMP team),
/// so one stream serves every caller.
final class DNNLContext {
    static let shared = DNNLContext()

    let engine: dnnl_engine_t
    let stream: dnnl_stream_t

    private init() {
        var engine: dnnl_engine_t?
        dnnlCheck(dnnl_engine_create(&engine, dnnl_cpu, 0), "dnnl_engine_create")
        var stream: dnnl_stream_t?
        dnnlCheck(dnnl_stream_create(&stream, engine, dnnl_stream_default_flags.rawValue), "dnnl_stream_create")
        self.engine = engine!
        self.stream = stream!
        // oneDNN runs on libgomp: follow Engine.setThreads from now on, starting with the current count.
        latent_dnnl_set_threads(Int32(Engine.threads))
        Engine.threadCountObservers.append { latent_dnnl_set_threads(Int32($0)) }
    }

    /// Whether this machine has a CPU engine (always, for the CPU build of oneDNN).
    static var isAvailable: Bool { dnnl_engine_get_count(dnnl_cpu) > 0 }
}
