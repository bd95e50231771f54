/// Convolution and transposed convolution on oneDNN primitives.
///
/// Activations come in plain or blocked; outputs whose channel count is a multiple of the block size
/// leave blocked (nChw8c/16c) so the next layer reads them without a reorder, others plain.
/// Weights stay in PyTorch's layout in the tensors (optimizers update them in place); their
/// copies in the primitive's blocked format are cached on the weight storage and redone only
/// after `markModified()` bumps its version (`DerivedValues`). Weight and bias gradients are
/// returned plain. Transposed convolutions with kernel == stride run as a pointwise
/// convolution plus a shuffle (`DNNLPatchTransposedConvolution`).
/// Geometries oneDNN rejects (see `DNNLConvolutionProblem.isSupported`) run on the reference.
struct DNNLConvolutionKernels: TransposedConvolutionKernels {
    private let fallback = ConvolutionReference()

    // MARK: Convolution

    /// x: [N, Cin, H, W], weight: [Cout, Cin, KH, KW], bias: [Cout] → y: [N, Cout, OH, OW]
    func forward(_ x: Tensor, weight: Tensor, bias: Tensor?, geometry: ConvolutionGeometry, activation: Activation) -> Tensor {
        let problem = DNNLConvolutionProblem(geometry: geometry, transposed: false)
        guard problem.isSupported else {
            return fallback.forward(x, weight: weight, bias: bias, geometry: geometry, activation: activation)
        }
        return runForward(problem, x, weight: weight, bias: bias, activation: activation)
    }

    /// dy: [N, Cout, OH, OW], weight: [Cout, Cin, KH, KW] → dx: [N, Cin, H, W]
    func backwardData(_ gradOutput: Tensor, weight: Tensor, geometry: ConvolutionGeometry) -> Tensor {
        let problem = DNNLConvolutionProblem(geometry: geometry, transposed: false)
        guard problem.isSupported else { return fallback.backwardData(gradOutput, weight: weight, geometry: geometry) }
        return runBackwardData(problem, gradOutput, weight: weight)
    }

    /// dy: [N, Cout, OH, OW], x: [N, Cin, H, W] → dweight: [Cout, Cin, KH, KW], dbias: [Cout]
    func backwardWeights(_ gradOutput: Tensor, input: Tensor, geometry: ConvolutionGeometry, withBias: Bool) -> (weight: Tensor, bias: Tensor?) {
        let problem = DNNLConvolutionProblem(geometry: geometry, transposed: false)
        guard problem.isSupported else {
            return fallback.backwardWeights(gradOutput, input: input, geometry: geometry, withBias: withBias)
        }
        return runBackwardWeights(problem, gradOutput, input: input, withBias: withBias)
    }

    // MARK: Transposed convolution (oneDNN deconvolution: bias fused, the activation a separate pass)

    /// x: [N, g.outChannels, OH, OW], weight: [g.outChannels, g.inChannels, KH, KW], bias: [g.inChannels]
    /// → y: [N, g.inChannels, H, W]
    func transposedForward(_ x: Tensor, weight: Tensor, bias: Tensor?, geometry: ConvolutionGeometry, activation: Activation) -> Tensor {
        if DNNLPatchTransposedConvolution.applies(geometry) {
            return patchForward(x, weight: weight, bias: bias, geometry: geometry, activation: activation)
        }
        let problem = DNNLConvolutionProblem(geometry: geometry, transposed: true)
        guard problem.isSupported else {
            return fallback.transposedForward(x, weight: weight, bias: bias, geometry: geometry, activation: activation)
        }
        // oneDNN 2.6 runs a deconvolution's fused eltwise post-op as a reference loop after the
        // JIT kernel: the VAE decoder's 4×4 stride-2 64→32 layer (batch 64, 8→16 px) took 53 ms
        // with ReLU fused against 5 ms without. So the activation is a pass of its own here.
        let y = runForward(problem, x, weight: weight, bias: bias, activation: .identity)
        return activation == .identity ? y : ElementwiseKernels.unary(y) { activation.apply($0) }
    }

    /// dy: [N, g.inChannels, H, W] → dx: [N, g.outChannels, OH, OW]
    func transposedBackwardData(_ gradOutput: Tensor, weight: Tensor, geometry: ConvolutionGeometry) -> Tensor {
        if DNNLPatchTransposedConvolution.applies(geometry) {
            typealias P = DNNLPatchTransposedConvolution
            precondition(gradOutput.shape == geometry.inputShape, "gradient \(gradOutput.shape) does not fit \(geometry)")
            let pointwise = DNNLConvolutionProblem(geometry: P.pointwiseGeometry(geometry), transposed: false)
            let dz = P.unshuffle(gradOutput, kernel: (geometry.kernelHeight, geometry.kernelWidth))
            return runBackwardData(pointwise, dz, weight: P.pointwiseWeights(weight, geometry))
        }
        let problem = DNNLConvolutionProblem(geometry: geometry, transposed: true)
        guard problem.isSupported else { return fallback.transposedBackwardData(gradOutput, weight: weight, geometry: geometry) }
        return runBackwardData(problem, gradOutput, weight: weight)
    }

    /// dy: [N, g.inChannels, H, W], x: [N, g.outChannels, OH, OW]
    /// → dweight: [g.outChannels, g.inChannels, KH, KW], dbias: [g.inChannels]
    func transposedBackwardWeights(_ gradOutput: Tensor, input: Tensor, geometry: ConvolutionGeometry, withBias: Bool) -> (weight: Tensor, bias: Tensor?) {
        if DNNLPatchTransposedConvolution.applies(geometry) {
            typealias P = DNNLPatchTransposedConvolution
            precondition(gradOutput.shape == geometry.inputShape, "gradient \(gradOutput.shape) does not fit \(geometry)")
            let pointwise = DNNLConvolutionProblem(geometry: P.pointwiseGeometry(geometry), transposed: false)
            let dz = P.unshuffle(gradOutput, kernel: (geometry.kernelHeight, geometry.kernelWidth))
            let (dw, db) = runBackwardWeights(pointwise, dz, input: input, withBias: withBias)
            return (P.patchWeights(dw, geometry), db.map { P.patchBias($0, channels: geometry.inChannels) })
        }
        let problem = DNNLConvolutionProblem(geometry: geometry, transposed: true)
        guard problem.isSupported else {
            return fallback.transposedBackwardWeights(gradOutput, input: input, geometry: geometry, withBias: withBias)
        }
        return runBackwardWeights(problem, gradOutput, input: input, withBias: withBias)
    }

    /// The kernel == stride case: pointwise convolution, then shuffle (see `DNNLPatchTransposedConvolution`).
    private func patchForward(_ x: Tensor, weight: Tensor, bias: Tensor?, geometry g: ConvolutionGeometry, activation: Activation) -> Tensor {
        typealias P = DNNLPatchTransposedConvolution
        let pointwise = DNNLConvolutionProblem(geometry: P.pointwiseGeometry(g), transposed: false)
        let taps = g.kernelHeight * g.kernelWidth
        var z = runForward(pointwise, x, weight: P.pointwiseWeights(weight, g),
                           bias: bias.map { P.pointwiseBias($0, taps: taps) }, activation: activation)
        // Blocked z but too few output channels to block y (taps·C divisible, C not): shuffle plain.
        if z.layout == .blocked && !TensorLayout.canBlock(g.inputShape) { z = Reorder.toPlain(z) }
        return P.shuffle(z, channels: g.inChannels, kernel: (g.kernelHeight, g.kernelWidth))
    }

    // MARK: Passes shared by both directions

    /// source → destination (see `DNNLConvolutionProblem` for the shapes).
    private func runForward(_ p: DNNLConvolutionProblem, _ x: Tensor, weight: Tensor, bias: Tensor?, activation: Activation) -> Tensor {
        precondition(x.shape == p.sourceShape && weight.count == Tensor.elementCount(p.weightDims),
                     "convolution operands \(x.shape), \(weight.shape) do not fit \(p.geometry)")
        let pass = DNNLConvolutionPrimitives.pass(.init(
            problem: p, pass: .forward(postOp: DNNLPostOp(activation), withBias: bias != nil), inputLayouts: [x.layout]))
        let y = Tensor.empty(p.destinationShape, layout: DNNLMemory.preferredLayout(p.destinationShape))
        var inputs = [x.storage.pointer, weight.storage.pointer]
        if let bias { inputs.append(bias.storage.pointer) }
        withExtendedLifetime((x, weight, bias)) {
            pass.run(inputs: inputs, outputs: [y.storage.pointer], persistent: [1: weight.storage])
        }
        return y
    }

    /// d(destination) → d(source)
    private func runBackwardData(_ p: DNNLConvolutionProblem, _ gradOutput: Tensor, weight: Tensor) -> Tensor {
        precondition(gradOutput.shape == p.destinationShape, "gradient \(gradOutput.shape) does not fit \(p.geometry)")
        let pass = DNNLConvolutionPrimitives.pass(.init(problem: p, pass: .backwardData, inputLayouts: [gradOutput.layout]))
        let dx = Tensor.empty(p.sourceShape, layout: DNNLMemory.preferredLayout(p.sourceShape))
        withExtendedLifetime((gradOutput, weight)) {
            pass.run(inputs: [gradOutput.storage.pointer, weight.storage.pointer], outputs: [dx.storage.pointer],
                     persistent: [1: weight.storage])
        }
        return dx
    }

    /// d(destination), source → d(weights) in PyTorch's layout, d(bias)
    private func runBackwardWeights(_ p: DNNLConvolutionProblem, _ gradOutput: Tensor, input: Tensor, withBias: Bool) -> (weight: Tensor, bias: Tensor?) {
        precondition(gradOutput.shape == p.destinationShape && input.shape == p.sourceShape,
                     "gradient \(gradOutput.shape) and input \(input.shape) do not fit \(p.geometry)")
        let pass = DNNLConvolutionPrimitives.pass(.init(
            problem: p, pass: .backwardWeights(withBias: withBias), inputLayouts: [input.layout, gradOutput.layout]))
        // PyTorch's shapes: [Cout, Cin/G, KH, KW] for a convolution, [Cin_T, Cout_T/G, KH, KW]
        // transposed; both are the geometry's weight shape.
        let dw = Tensor.empty(p.geometry.weightShape)
        let db = withBias ? Tensor.empty(p.biasShape) : nil
        var outputs = [dw.storage.pointer]
        if let db { outputs.append(db.storage.pointer) }
        withExtendedLifetime((gradOutput, input)) {
            pass.run(inputs: [input.storage.pointer, gradOutput.storage.pointer], outputs: outputs)
        }
        return (dw, db)
    }
}
