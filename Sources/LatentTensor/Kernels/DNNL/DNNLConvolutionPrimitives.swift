import CDNNL
import CLatentShim

/// Creates and caches the primitives of the three passes of convolutions and deconvolutions,
/// keyed by geometry and the layouts of the caller's activations.
enum DNNLConvolutionPrimitives {
    enum Pass: Hashable {
        case forward(postOp: DNNLPostOp?, withBias: Bool)
        case backwardData
        case backwardWeights(withBias: Bool)
    }

    struct Key: Hashable {
        let problem: DNNLConvolutionProblem
        let pass: Pass
        /// Layouts of the activation inputs, in operand order (they decide the reorders).
        let inputLayouts: [TensorLayout]
    }

    private static let passes = DNNLPrimitiveCache<Key, DNNLPass>()
    /// Forward descriptors that backward passes need as hints, per problem.
    private static let hints = DNNLPrimitiveCache<DNNLConvolutionProblem, DNNLPrimitiveDescriptor>()

    static var cachedPassCount: Int { passes.count }

    static func pass(_ key: Key) -> DNNLPass {
        passes.value(for: key) { make(key) }
    }

    private static func make(_ key: Key) -> DNNLPass {
        let p = key.problem
        switch key.pass {
        case .forward(let postOp, let withBias):
            let primitive = DNNLPrimitive(descriptor: forwardDescriptor(p, postOp: postOp, withBias: withBias))
            var inputs = [(Int32(LATENT_DNNL_ARG_SRC), DNNLMemory.activation(p.sourceShape, key.inputLayouts[0])),
                          (Int32(LATENT_DNNL_ARG_WEIGHTS), p.userWeights)]
            if withBias { inputs.append((Int32(LATENT_DNNL_ARG_BIAS), p.userBias)) }
            let output = DNNLMemory.activation(p.destinationShape, DNNLMemory.preferredLayout(p.destinationShape))
            return DNNLPass(primitive, inputs: inputs, outputs: [(Int32(LATENT_DNNL_ARG_DST), output)])

        case .backwardData:
            var desc = dnnl_convolution_desc_t()
            var diffSource = p.anySource, weights = p.anyWeights, diffDestination = p.anyDestination
            let status = p.transposed
                ? dnnl_dilated_deconvolution_backward_data_desc_init(&desc, p.algorithm, &diffSource, &weights, &diffDestination,
                                                                     p.strides, p.dilates, p.paddingBefore, p.paddingAfter)
                : dnnl_dilated_convolution_backward_data_desc_init(&desc, p.algorithm, &diffSource, &weights, &diffDestination,
                                                                   p.strides, p.dilates, p.paddingBefore, p.paddingAfter)
            dnnlCheck(status, "dnnl_dilated_(de)convolution_backward_data_desc_init")
            let primitive = DNNLPrimitive(descriptor: create(&desc, attributes: nil, hint: hint(p)))
            let output = DNNLMemory.activation(p.sourceShape, DNNLMemory.preferredLayout(p.sourceShape))
            return DNNLPass(primitive,
                            inputs: [(Int32(LATENT_DNNL_ARG_DIFF_DST), DNNLMemory.activation(p.destinationShape, key.inputLayouts[0])),
                                     (Int32(LATENT_DNNL_ARG_WEIGHTS), p.userWeights)],
                            outputs: [(Int32(LATENT_DNNL_ARG_DIFF_SRC), output)])

        case .backwardWeights(let withBias):
            var desc = dnnl_convolution_desc_t()
            var source = p.anySource, diffWeights = p.anyWeights, diffDestination = p.anyDestination
            var diffBias = p.userBias
            let status = withUnsafeMutablePointer(to: &diffBias) { bias in
                p.transposed
                    ? dnnl_dilated_deconvolution_backward_weights_desc_init(&desc, p.algorithm, &source, &diffWeights, withBias ? bias : nil,
                                                                            &diffDestination, p.strides, p.dilates, p.paddingBefore, p.paddingAfter)
                    : dnnl_dilated_convolution_backward_weights_desc_init(&desc, p.algorithm, &source, &diffWeights, withBias ? bias : nil,
                                                                          &diffDestination, p.strides, p.dilates, p.paddingBefore, p.paddingAfter)
            }
            dnnlCheck(status, "dnnl_dilated_(de)convolution_backward_weights_desc_init")
            let primitive = DNNLPrimitive(descriptor: create(&desc, attributes: nil, hint: hint(p)))
            var outputs = [(Int32(LATENT_DNNL_ARG_DIFF_WEIGHTS), p.userWeights)]
            if withBias { outputs.append((Int32(LATENT_DNNL_ARG_DIFF_BIAS), p.userBias)) }
            return DNNLPass(primitive,
                            inputs: [(Int32(LATENT_DNNL_ARG_SRC), DNNLMemory.activation(p.sourceShape, key.inputLayouts[0])),
                                     (Int32(LATENT_DNNL_ARG_DIFF_DST), DNNLMemory.activation(p.destinationShape, key.inputLayouts[1]))],
                            outputs: outputs)
        }
    }

    /// The forward descriptor (training: backward passes may follow), with fused post-op.
    private static func forwardDescriptor(_ p: DNNLConvolutionProblem, postOp: DNNLPostOp?, withBias: Bool) -> dnnl_primitive_desc_t {
        var desc = dnnl_convolution_desc_t()
        var source = p.anySource, weights = p.anyWeights, destination = p.anyDestination, bias = p.userBias
        let status = withUnsafeMutablePointer(to: &bias) { bias in
            p.transposed
                ? dnnl_dilated_deconvolution_forward_desc_init(&desc, dnnl_forward_training, p.algorithm, &source, &weights,
                                                               withBias ? bias : nil, &destination,
                                                               p.strides, p.dilates, p.paddingBefore, p.paddingAfter)
                : dnnl_dilated_convolution_forward_desc_init(&desc, dnnl_forward_training, p.algorithm, &source, &weights,
                                                             withBias ? bias : nil, &destination,
                                                             p.strides, p.dilates, p.paddingBefore, p.paddingAfter)
        }
        dnnlCheck(status, "dnnl_dilated_(de)convolution_forward_desc_init")

        guard let postOp else { return create(&desc, attributes: nil, hint: nil) }
        var postOps: dnnl_post_ops_t?
        dnnlCheck(dnnl_post_ops_create(&postOps), "dnnl_post_ops_create")
        defer { dnnl_post_ops_destroy(postOps) }
        dnnlCheck(dnnl_post_ops_append_eltwise(postOps, 1, dnnl_alg_kind_t(postOp.algorithm), postOp.alpha, 0),
                  "dnnl_post_ops_append_eltwise")
        var attributes: dnnl_primitive_attr_t?
        dnnlCheck(dnnl_primitive_attr_create(&attributes), "dnnl_primitive_attr_create")
        defer { dnnl_primitive_attr_destroy(attributes) }
        dnnlCheck(dnnl_primitive_attr_set_post_ops(attributes, postOps), "dnnl_primitive_attr_set_post_ops")
        return create(&desc, attributes: attributes, hint: nil)
    }

    private static func hint(_ p: DNNLConvolutionProblem) -> DNNLPrimitiveDescriptor {
        hints.value(for: p) { DNNLPrimitiveDescriptor(forwardDescriptor(p, postOp: nil, withBias: true)) }
    }

    private static func create(_ desc: inout dnnl_convolution_desc_t, attributes: dnnl_primitive_attr_t?,
                               hint: DNNLPrimitiveDescriptor?) -> dnnl_primitive_desc_t {
        var descriptor: dnnl_primitive_desc_t?
        dnnlCheck(dnnl_primitive_desc_create(&descriptor, &desc, attributes, DNNLContext.shared.engine, hint?.descriptor),
                  "dnnl_primitive_desc_create")
        return descriptor!
    }
}

/// An owned primitive descriptor that is never instantiated (a hint for backward passes).
final class DNNLPrimitiveDescriptor {
    let descriptor: dnnl_primitive_desc_t
    init(_ descriptor: dnnl_primitive_desc_t) { self.descriptor = descriptor }
    deinit { dnnl_primitive_desc_destroy(descriptor) }
}
