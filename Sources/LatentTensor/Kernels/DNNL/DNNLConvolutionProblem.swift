import CDNNL

/// A convolution or a deconvolution (transposed convolution) as oneDNN names its tensors:
/// source → destination through weights [O, I, KH, KW].
///
/// Convolution: source x [N, Cin, H, W] → destination y [N, Cout, OH, OW], weights oihw.
/// Deconvolution carries the geometry of the convolution it is the adjoint of: source
/// [N, g.outChannels, OH, OW] → destination [N, g.inChannels, H, W]; oneDNN's O is the
/// destination's channel count, so PyTorch's [Cin_T, Cout_T, KH, KW] is oneDNN's iohw.
/// oneDNN checks (dst − ker_range + padL + padR) / stride + 1 == src for deconvolutions,
/// which is exactly our geometry read backwards, so the paddings carry over unchanged.
struct DNNLConvolutionProblem: Hashable {
    let geometry: ConvolutionGeometry
    let transposed: Bool

    var sourceShape: [Int] { transposed ? geometry.outputShape : geometry.inputShape }
    var destinationShape: [Int] { transposed ? geometry.inputShape : geometry.outputShape }
    /// oneDNN's weight dims [O, I, KH, KW], O and I counted per destination and source;
    /// grouped: [G, O/G, I/G, KH, KW].
    var weightDims: [Int] {
        let g = geometry
        let (o, i) = transposed ? (g.inChannels, g.outChannels) : (g.outChannels, g.inChannels)
        return g.groups == 1
            ? [o, i, g.kernelHeight, g.kernelWidth]
            : [g.groups, o / g.groups, i / g.groups, g.kernelHeight, g.kernelWidth]
    }
    var biasShape: [Int] { [destinationShape[1]] }

    /// PyTorch's weight layout in oneDNN's terms: [Cout, Cin/G, KH, KW] is (g)oihw; the
    /// transposed [Cin_T, Cout_T/G, KH, KW], whose leading axis is the source's, is (g)iohw.
    var userWeights: dnnl_memory_desc_t {
        let tag = geometry.groups == 1
            ? (transposed ? dnnl_iohw : dnnl_oihw)
            : (transposed ? dnnl_giohw : dnnl_goihw)
        return DNNLMemory.descriptor(weightDims, tag)
    }
    var userBias: dnnl_memory_desc_t { DNNLMemory.descriptor(biasShape, dnnl_x) }

    var algorithm: dnnl_alg_kind_t { transposed ? dnnl_deconvolution_direct : dnnl_convolution_direct }
    var strides: [dnnl_dim_t] { DNNLMemory.dims([geometry.strideH, geometry.strideW]) }
    /// oneDNN counts the gaps between kernel taps: dilation 1 (dense) is 0.
    var dilates: [dnnl_dim_t] { DNNLMemory.dims([geometry.dilationH - 1, geometry.dilationW - 1]) }
    var paddingBefore: [dnnl_dim_t] { DNNLMemory.dims([geometry.padTop, geometry.padLeft]) }
    /// Negative for transposed convolutions with output padding (padBottom = p − outputPadding).
    var paddingAfter: [dnnl_dim_t] { DNNLMemory.dims([geometry.padBottom, geometry.padRight]) }

    /// Whether oneDNN accepts the geometry: it requires non-negative leading padding and
    /// trailing padding greater than −stride (output padding ≥ stride, possible only with
    /// dilation > stride, is not expressible).
    var isSupported: Bool {
        let g = geometry
        return g.padTop >= 0 && g.padLeft >= 0 && g.padBottom + g.strideH > 0 && g.padRight + g.strideW > 0
    }

    /// Formats left to oneDNN: it picks blocked layouts for its fast kernels.
    var anySource: dnnl_memory_desc_t { DNNLMemory.descriptor(sourceShape, dnnl_format_tag_any) }
    var anyDestination: dnnl_memory_desc_t { DNNLMemory.descriptor(destinationShape, dnnl_format_tag_any) }
    var anyWeights: dnnl_memory_desc_t { DNNLMemory.descriptor(weightDims, dnnl_format_tag_any) }
}

/// The fused element-wise post-op of a forward pass (nil for the identity).
struct DNNLPostOp: Hashable {
    let algorithm: UInt32  // dnnl_alg_kind_t raw value
    let alpha: Float

    init?(_ activation: Activation) {
        switch activation {
        case .identity: return nil
        case .relu: (algorithm, alpha) = (dnnl_eltwise_relu.rawValue, 0)
        case .leakyReLU(let slope): (algorithm, alpha) = (dnnl_eltwise_relu.rawValue, slope)  // relu's alpha is the negative slope
        case .sigmoid: (algorithm, alpha) = (dnnl_eltwise_logistic.rawValue, 0)
        case .tanh: (algorithm, alpha) = (dnnl_eltwise_tanh.rawValue, 0)
        }
    }
}
