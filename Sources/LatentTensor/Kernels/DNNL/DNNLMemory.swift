import CDNNL

/// Memory descriptors and memory objects over tensors' buffers.
enum DNNLMemory {
    /// `values` padded to oneDNN's fixed-size dims array (entries past ndims are ignored).
    static func dims(_ values: [Int]) -> [dnnl_dim_t] {
        values.map { dnnl_dim_t($0) } + Array(repeating: 0, count: Int(DNNL_MAX_NDIMS) - values.count)
    }

    /// A dense f32 descriptor of `shape` in the given format (or `dnnl_format_tag_any`).
    static func descriptor(_ shape: [Int], _ tag: dnnl_format_tag_t) -> dnnl_memory_desc_t {
        var md = dnnl_memory_desc_t()
        dnnlCheck(dnnl_memory_desc_init_by_tag(&md, Int32(shape.count), dims(shape), dnnl_f32, tag),
                  "dnnl_memory_desc_init_by_tag")
        return md
    }

    /// The descriptor of an activation [N, C, H, W] as a tensor stores it.
    static func activation(_ shape: [Int], _ layout: TensorLayout) -> dnnl_memory_desc_t {
        descriptor(shape, layout == .blocked ? (TensorLayout.blockSize == 16 ? dnnl_nChw16c : dnnl_nChw8c) : dnnl_nchw)
    }

    /// The layout kernels give an activation they produce: blocked whenever the channels allow,
    /// so that the next convolution consumes it without a reorder.
    static func preferredLayout(_ shape: [Int]) -> TensorLayout {
        TensorLayout.canBlock(shape) ? .blocked : .plain
    }

    static func equal(_ a: dnnl_memory_desc_t, _ b: dnnl_memory_desc_t) -> Bool {
        var a = a, b = b
        return dnnl_memory_desc_equal(&a, &b) != 0
    }

    static func byteSize(_ md: dnnl_memory_desc_t) -> Int {
        var md = md
        return dnnl_memory_desc_get_size(&md)
    }

    /// A memory object over `pointer` (not owned: the caller keeps the buffer alive until the
    /// memory object is destroyed).
    static func wrap(_ md: dnnl_memory_desc_t, _ pointer: UnsafeMutableRawPointer) -> dnnl_memory_t {
        var md = md
        var memory: dnnl_memory_t?
        dnnlCheck(dnnl_memory_create(&memory, &md, DNNLContext.shared.engine, pointer), "dnnl_memory_create")
        return memory!
    }
}
