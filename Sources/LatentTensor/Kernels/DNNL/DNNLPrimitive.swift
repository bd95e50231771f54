import CDNNL

/// A created oneDNN primitive with its descriptor, destroyed with the object.
///
/// Creating a primitive JIT-compiles a kernel (milliseconds), so primitives live in caches
/// and are reused; executing one is thread-safe.
final class DNNLPrimitive {
    let descriptor: dnnl_primitive_desc_t
    let primitive: dnnl_primitive_t

    /// Takes ownership of `descriptor`.
    init(descriptor: dnnl_primitive_desc_t) {
        self.descriptor = descriptor
        var primitive: dnnl_primitive_t?
        dnnlCheck(dnnl_primitive_create(&primitive, descriptor), "dnnl_primitive_create")
        self.primitive = primitive!
    }

    deinit {
        dnnl_primitive_destroy(primitive)
        dnnl_primitive_desc_destroy(descriptor)
    }

    /// The memory descriptor the primitive expects for execution argument `argument` (DNNL_ARG_*).
    func memoryDescriptor(argument: Int32) -> dnnl_memory_desc_t {
        dnnl_primitive_desc_query_md(descriptor, dnnl_query_exec_arg_md, argument).pointee
    }

    /// Runs the primitive on the shared stream and waits for it.
    func execute(_ arguments: [dnnl_exec_arg_t]) {
        let stream = DNNLContext.shared.stream
        arguments.withUnsafeBufferPointer { args in
            dnnlCheck(dnnl_primitive_execute(primitive, stream, Int32(args.count), args.baseAddress), "dnnl_primitive_execute")
        }
        dnnlCheck(dnnl_stream_wait(stream), "dnnl_stream_wait")
    }
}
