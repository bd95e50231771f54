import CDNNL
import Foundation
import CLatentShim

/// A cached oneDNN reorder between two memory descriptors of the same logical tensor
/// (e.g. weights from PyTorch's oihw into the blocked format a convolution picked).
final class DNNLReorder {
    let source: dnnl_memory_desc_t
    let destination: dnnl_memory_desc_t
    private let primitive: DNNLPrimitive

    init(from source: dnnl_memory_desc_t, to destination: dnnl_memory_desc_t) {
        self.source = source
        self.destination = destination
        var src = source, dst = destination
        let engine = DNNLContext.shared.engine
        var descriptor: dnnl_primitive_desc_t?
        dnnlCheck(dnnl_reorder_primitive_desc_create(&descriptor, &src, engine, &dst, engine, nil),
                  "dnnl_reorder_primitive_desc_create")
        primitive = DNNLPrimitive(descriptor: descriptor!)
    }

    private static let lock = NSLock()
    /// Reorders by a hash of their descriptors' bytes, confirmed with `dnnl_memory_desc_equal`.
    nonisolated(unsafe) private static var instances: [Int: [DNNLReorder]] = [:]

    /// The one reorder between these layouts: passes of different geometries that reorder the
    /// same weights into the same format share it, and so share the weights' cached copy
    /// (`DerivedValues` keys on the reorder's identity).
    static func shared(from source: dnnl_memory_desc_t, to destination: dnnl_memory_desc_t) -> DNNLReorder {
        var hasher = Hasher()
        for md in [source, destination] {
            withUnsafeBytes(of: md) { hasher.combine(bytes: $0) }
        }
        let key = hasher.finalize()
        lock.lock()
        defer { lock.unlock() }
        if let found = instances[key]?.first(where: {
            DNNLMemory.equal($0.source, source) && DNNLMemory.equal($0.destination, destination)
        }) {
            return found
        }
        let reorder = DNNLReorder(from: source, to: destination)
        instances[key, default: []].append(reorder)
        return reorder
    }

    /// Copies the tensor at `from` (laid out as `source`) to `to` (laid out as `destination`).
    func run(from: UnsafeRawPointer, to: UnsafeMutableRawPointer) {
        let input = DNNLMemory.wrap(source, UnsafeMutableRawPointer(mutating: from))
        let output = DNNLMemory.wrap(destination, to)
        defer { dnnl_memory_destroy(input); dnnl_memory_destroy(output) }
        primitive.execute([
            dnnl_exec_arg_t(arg: Int32(LATENT_DNNL_ARG_FROM), memory: input),
            dnnl_exec_arg_t(arg: Int32(LATENT_DNNL_ARG_TO), memory: output),
        ])
    }
}
