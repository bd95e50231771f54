import XCTest
import LatentTestSupport
import CLatentShim
@testable import LatentTensor

/// oneDNN kernels against the reference loops, pass by pass, then through the ops and autograd.
final class DNNLConvolutionTests: XCTestCase {
    private let dnnl = DNNLConvolutionKernels()
    private let reference = ConvolutionReference()
    private let activations: [Activation] = [.identity, .relu, .leakyReLU(0.1), .sigmoid, .tanh]

    /// max |actual − expected| ≤ tolerance · max |expected|, compared in plain layout.
    private func assertClose(_ actual: Tensor, _ expected: Tensor, tolerance: Float = 1e-4, _ what: String,
                             file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.shape, expected.shape, what, file: file, line: line)
        guard actual.shape == expected.shape else { return }
        let a = actual.toArray(), e = expected.toArray()
        let scale = max(e.map { Swift.abs($0) }.max() ?? 0, 1e-6)
        var worst: Float = 0
        for i in a.indices { worst = max(worst, Swift.abs(a[i] - e[i])) }
        XCTAssert(worst <= tolerance * scale, "\(what): max error \(worst) vs max magnitude \(scale)", file: file, line: line)
    }

    /// Activations with 16k channels go blocked, others plain: what the next layer expects.
    private func assertPreferredLayout(_ t: Tensor, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(t.layout, t.shape[1] % TensorLayout.blockSize == 0 ? .blocked : .plain, "\(what) layout", file: file, line: line)
    }

    /// Half of the blockable inputs arrive blocked, as from a previous oneDNN layer.
    private func maybeBlocked(_ t: Tensor, _ rng: inout RandomSource) -> Tensor {
        TensorLayout.canBlock(t.shape) && rng.uniform() < 0.5 ? Reorder.toBlocked(t) : t
    }

    /// All three passes of one convolution geometry, with and without bias.
    private func checkConvolution(_ g: ConvolutionGeometry, activation: Activation, rng: inout RandomSource,
                                  file: StaticString = #filePath, line: UInt = #line) {
        let x = Tensor.normal(g.inputShape, using: &rng)
        let w = Tensor.normal(g.weightShape, std: 0.3, using: &rng)
        let b = Tensor.normal([g.outChannels], using: &rng)
        let dy = Tensor.normal(g.outputShape, using: &rng)
        let (xIn, dyIn) = (maybeBlocked(x, &rng), maybeBlocked(dy, &rng))
        let what = "\(g) \(activation) x:\(xIn.layout) dy:\(dyIn.layout)"

        let y = dnnl.forward(xIn, weight: w, bias: b, geometry: g, activation: activation)
        assertClose(y, reference.forward(x, weight: w, bias: b, geometry: g, activation: activation), "forward \(what)", file: file, line: line)
        assertPreferredLayout(y, "forward output", file: file, line: line)
        let yNoBias = dnnl.forward(xIn, weight: w, bias: nil, geometry: g, activation: .identity)
        assertClose(yNoBias, reference.forward(x, weight: w, bias: nil, geometry: g, activation: .identity), "forward without bias \(what)", file: file, line: line)

        let dx = dnnl.backwardData(dyIn, weight: w, geometry: g)
        assertClose(dx, reference.backwardData(dy, weight: w, geometry: g), "backward data \(what)", file: file, line: line)
        assertPreferredLayout(dx, "input gradient", file: file, line: line)

        let (dw, db) = dnnl.backwardWeights(dyIn, input: xIn, geometry: g, withBias: true)
        let (dwRef, dbRef) = reference.backwardWeights(dy, input: x, geometry: g, withBias: true)
        assertClose(dw, dwRef, "backward weights \(what)", file: file, line: line)
        XCTAssertEqual(dw.layout, .plain, file: file, line: line)
        if let db, let dbRef { assertClose(db, dbRef, "backward bias \(what)", file: file, line: line) } else { XCTFail("no bias gradient", file: file, line: line) }
        let (dwOnly, noBias) = dnnl.backwardWeights(dyIn, input: xIn, geometry: g, withBias: false)
        XCTAssertNil(noBias, file: file, line: line)
        assertClose(dwOnly, dwRef, "backward weights without bias \(what)", file: file, line: line)
    }

    /// All three passes of the transposed convolution that is the adjoint of `g`.
    private func checkTransposed(_ g: ConvolutionGeometry, activation: Activation, rng: inout RandomSource,
                                 file: StaticString = #filePath, line: UInt = #line) {
        let x = Tensor.normal(g.outputShape, using: &rng)          // [N, Cin_T, OH, OW]
        let w = Tensor.normal(g.weightShape, std: 0.3, using: &rng) // [Cin_T, Cout_T, KH, KW]
        let b = Tensor.normal([g.inChannels], using: &rng)
        let dy = Tensor.normal(g.inputShape, using: &rng)          // [N, Cout_T, H, W]
        let (xIn, dyIn) = (maybeBlocked(x, &rng), maybeBlocked(dy, &rng))
        let what = "transposed \(g) \(activation) x:\(xIn.layout) dy:\(dyIn.layout)"

        let y = dnnl.transposedForward(xIn, weight: w, bias: b, geometry: g, activation: activation)
        assertClose(y, reference.transposedForward(x, weight: w, bias: b, geometry: g, activation: activation), "forward \(what)", file: file, line: line)
        let dx = dnnl.transposedBackwardData(dyIn, weight: w, geometry: g)
        assertClose(dx, reference.transposedBackwardData(dy, weight: w, geometry: g), "backward data \(what)", file: file, line: line)
        let (dw, db) = dnnl.transposedBackwardWeights(dyIn, input: xIn, geometry: g, withBias: true)
        let (dwRef, dbRef) = reference.transposedBackwardWeights(dy, input: x, geometry: g, withBias: true)
        assertClose(dw, dwRef, "backward weights \(what)", file: file, line: line)
        if let db, let dbRef { assertClose(db, dbRef, "backward bias \(what)", file: file, line: line) } else { XCTFail("no bias gradient", file: file, line: line) }
        if DNNLConvolutionProblem(geometry: g, transposed: true).isSupported {
            assertPreferredLayout(y, "transposed output", file: file, line: line)
            assertPreferredLayout(dx, "transposed input gradient", file: file, line: line)
        }
    }

    /// The geometry `convTranspose2d` builds (output padding folded into the trailing padding).
    private func transposedGeometry(batch: Int, inChannels: Int, outChannels: Int, height: Int, width: Int,
                                    kernel: (Int, Int), stride: (Int, Int), padding: (Int, Int),
                                    outputPadding: (Int, Int), dilation: (Int, Int)) -> ConvolutionGeometry {
        let outH = (height - 1) * stride.0 - 2 * padding.0 + dilation.0 * (kernel.0 - 1) + outputPadding.0 + 1
        let outW = (width - 1) * stride.1 - 2 * padding.1 + dilation.1 * (kernel.1 - 1) + outputPadding.1 + 1
        let g = ConvolutionGeometry(batch: batch, inChannels: outChannels, outChannels: inChannels,
                                    inHeight: outH, inWidth: outW, kernelHeight: kernel.0, kernelWidth: kernel.1,
                                    strideH: stride.0, strideW: stride.1, dilationH: dilation.0, dilationW: dilation.1,
                                    padTop: padding.0, padLeft: padding.1,
                                    padBottom: padding.0 - outputPadding.0, padRight: padding.1 - outputPadding.1)
        precondition(g.outHeight == height && g.outWidth == width)
        return g
    }

    func testConvolutionPassesMatchReferenceOnChosenGeometries() {
        var rng = RandomSource(seed: 11)
        let same = Padding.same
        let (sh0, sh1) = same.amounts(axis: 0, input: 9, kernel: 4, stride: 1, dilation: 1)
        let (sw0, sw1) = same.amounts(axis: 1, input: 8, kernel: 4, stride: 1, dilation: 1)
        let cases: [ConvolutionGeometry] = [
            // First layer: 3 plain channels in, 16 blocked out, odd sizes.
            .init(batch: 1, inChannels: 3, outChannels: 16, inHeight: 13, inWidth: 11, kernelHeight: 3, kernelWidth: 3,
                  padTop: 1, padLeft: 1, padBottom: 1, padRight: 1),
            // Stride 2, batch 2, blocked → blocked.
            .init(batch: 2, inChannels: 16, outChannels: 32, inHeight: 15, inWidth: 17, kernelHeight: 3, kernelWidth: 3,
                  strideH: 2, strideW: 2, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1),
            // Dilation 2.
            .init(batch: 1, inChannels: 32, outChannels: 16, inHeight: 12, inWidth: 10, kernelHeight: 3, kernelWidth: 3,
                  dilationH: 2, dilationW: 2, padTop: 2, padLeft: 2, padBottom: 2, padRight: 2),
            // 'same' with an even kernel: asymmetric padding; 5 → 3 plain channels.
            .init(batch: 2, inChannels: 5, outChannels: 3, inHeight: 9, inWidth: 8, kernelHeight: 4, kernelWidth: 4,
                  padTop: sh0, padLeft: sw0, padBottom: sh1, padRight: sw1),
            // Blocked in, 5 plain channels out, 1×1.
            .init(batch: 3, inChannels: 16, outChannels: 5, inHeight: 7, inWidth: 6, kernelHeight: 1, kernelWidth: 1),
            // Explicit asymmetric padding, different strides and kernel sides.
            .init(batch: 1, inChannels: 16, outChannels: 16, inHeight: 10, inWidth: 9, kernelHeight: 3, kernelWidth: 2,
                  strideH: 2, strideW: 1, padTop: 0, padLeft: 2, padBottom: 1, padRight: 0),
        ]
        for (i, g) in cases.enumerated() {
            checkConvolution(g, activation: activations[i % activations.count], rng: &rng)
        }
    }

    func testConvolutionPassesMatchReferenceOnRandomGeometries() {
        var rng = RandomSource(seed: 12)
        let channels = [3, 5, 16, 32]
        for trial in 0..<16 {
            let kernel = (1 + rng.index(below: 4), 1 + rng.index(below: 4))
            let stride = (1 + rng.index(below: 2), 1 + rng.index(below: 2))
            let dilation = (1 + rng.index(below: 2), 1 + rng.index(below: 2))
            let height = 5 + rng.index(below: 10), width = 5 + rng.index(below: 10)
            let g = ConvolutionGeometry(
                batch: 1 + rng.index(below: 3), inChannels: channels[rng.index(below: 4)], outChannels: channels[rng.index(below: 4)],
                inHeight: height, inWidth: width, kernelHeight: kernel.0, kernelWidth: kernel.1,
                strideH: stride.0, strideW: stride.1, dilationH: dilation.0, dilationW: dilation.1,
                padTop: rng.index(below: 3), padLeft: rng.index(below: 3), padBottom: rng.index(below: 3), padRight: rng.index(below: 3))
            guard g.outHeight > 0 && g.outWidth > 0 else { continue }
            checkConvolution(g, activation: activations[trial % activations.count], rng: &rng)
        }
    }

    func testTransposedConvolutionPassesMatchReference() {
        var rng = RandomSource(seed: 13)
        let cases: [ConvolutionGeometry] = [
            // Decoder upsampling: stride 2 with output padding, blocked channels.
            transposedGeometry(batch: 2, inChannels: 32, outChannels: 16, height: 5, width: 7, kernel: (3, 3),
                               stride: (2, 2), padding: (1, 1), outputPadding: (1, 1), dilation: (1, 1)),
            // To 3 plain channels (an image), output padding on one axis only.
            transposedGeometry(batch: 1, inChannels: 16, outChannels: 3, height: 6, width: 5, kernel: (4, 3),
                               stride: (2, 3), padding: (1, 0), outputPadding: (0, 2), dilation: (1, 1)),
            // Plain channels both sides, dilation 2.
            transposedGeometry(batch: 2, inChannels: 5, outChannels: 3, height: 4, width: 6, kernel: (3, 3),
                               stride: (1, 2), padding: (2, 1), outputPadding: (0, 1), dilation: (2, 2)),
            // Output padding ≥ stride (allowed by dilation): trailing padding −1 + stride 1 = 0,
            // which oneDNN rejects; must fall back to the reference and still agree.
            transposedGeometry(batch: 1, inChannels: 16, outChannels: 16, height: 5, width: 5, kernel: (3, 3),
                               stride: (1, 1), padding: (0, 0), outputPadding: (1, 1), dilation: (2, 2)),
        ]
        XCTAssertFalse(DNNLConvolutionProblem(geometry: cases[3], transposed: true).isSupported)
        for (i, g) in cases.enumerated() {
            checkTransposed(g, activation: activations[(i + 1) % activations.count], rng: &rng)
        }
    }

    /// Kernel == stride, no padding: the pointwise-convolution-plus-shuffle path, on every
    /// layout combination (blocked both sides, plain both sides, blocked taps·C but plain C).
    func testPatchTransposedConvolutionMatchesReference() {
        var rng = RandomSource(seed: 19)
        let cases: [ConvolutionGeometry] = [
            // The U-Net's upsampling: 2×2 stride 2, blocked → blocked.
            transposedGeometry(batch: 2, inChannels: 32, outChannels: 16, height: 5, width: 7, kernel: (2, 2),
                               stride: (2, 2), padding: (0, 0), outputPadding: (0, 0), dilation: (1, 1)),
            transposedGeometry(batch: 1, inChannels: 16, outChannels: 32, height: 6, width: 3, kernel: (2, 2),
                               stride: (2, 2), padding: (0, 0), outputPadding: (0, 0), dilation: (1, 1)),
            // Unequal sides, plain channels both ways.
            transposedGeometry(batch: 2, inChannels: 5, outChannels: 3, height: 4, width: 5, kernel: (3, 2),
                               stride: (3, 2), padding: (0, 0), outputPadding: (0, 0), dilation: (1, 1)),
            // 2 output channels: z has 2·4 = 8 channels (blocked on AVX2), y is plain.
            transposedGeometry(batch: 1, inChannels: 16, outChannels: 2, height: 5, width: 4, kernel: (2, 2),
                               stride: (2, 2), padding: (0, 0), outputPadding: (0, 0), dilation: (1, 1)),
            // 4×4 stride 4, blocked in, 4 plain channels out (16·4 = 64 taps·channels).
            transposedGeometry(batch: 1, inChannels: 24, outChannels: 4, height: 3, width: 4, kernel: (4, 4),
                               stride: (4, 4), padding: (0, 0), outputPadding: (0, 0), dilation: (1, 1)),
            // 1×1 stride 1 is also a patch scatter.
            transposedGeometry(batch: 2, inChannels: 16, outChannels: 8, height: 4, width: 4, kernel: (1, 1),
                               stride: (1, 1), padding: (0, 0), outputPadding: (0, 0), dilation: (1, 1)),
        ]
        for (i, g) in cases.enumerated() {
            XCTAssertTrue(DNNLPatchTransposedConvolution.applies(g), "\(g)")
            for trial in 0..<2 {
                checkTransposed(g, activation: activations[(i + trial) % activations.count], rng: &rng)
            }
        }
        // Near misses keep the deconvolution primitive.
        let padded = transposedGeometry(batch: 1, inChannels: 16, outChannels: 16, height: 5, width: 5, kernel: (2, 2),
                                        stride: (2, 2), padding: (0, 0), outputPadding: (1, 1), dilation: (1, 1))
        XCTAssertFalse(DNNLPatchTransposedConvolution.applies(padded))
        checkTransposed(padded, activation: .relu, rng: &rng)
        let overlapping = transposedGeometry(batch: 1, inChannels: 16, outChannels: 16, height: 5, width: 5, kernel: (3, 3),
                                             stride: (2, 2), padding: (0, 0), outputPadding: (0, 0), dilation: (1, 1))
        XCTAssertFalse(DNNLPatchTransposedConvolution.applies(overlapping))
    }

    /// The op and its autograd through the fast path, against the reference backend.
    func testPatchTransposedConvolutionGradientsThroughAutograd() {
        var rng = RandomSource(seed: 20)
        let x = Tensor.normal([2, 16, 5, 6], using: &rng)
        // 16 output channels: a whole block on AVX2 (8) and AVX-512 (16) alike, so the result stays blocked.
        let w = Tensor.normal([16, 16, 2, 2], std: 0.3, using: &rng), b = Tensor.normal([16], using: &rng)
        let upstream = Tensor.normal([2, 16, 10, 12], using: &rng)
        func run(_ backend: Backend) -> (Tensor, [Tensor]) {
            Engine.withBackend(backend) {
                let params = [x, w, b].map { $0.detached().requiringGrad() }
                let y = convTranspose2d(params[0], weight: params[1], bias: params[2], stride: (2, 2), activation: .leakyReLU(0.1))
                y.backward(upstream)
                return (y, params.map { $0.grad ?? Tensor.zeros($0.shape) })
            }
        }
        let fast = run(.dnnl), slow = run(.reference)
        XCTAssertEqual(fast.0.layout, .blocked)
        assertClose(fast.0, slow.0, "output")
        for (k, (g, r)) in zip(fast.1, slow.1).enumerated() { assertClose(g, r, "gradient of parameter \(k)") }
    }

    /// Reordered weights are cached on the weight storage, refreshed after `markModified()`,
    /// and freed with the weights.
    func testReorderedWeightsAreCachedPerVersionAndFreedWithTheWeights() {
        var rng = RandomSource(seed: 21)
        let g = ConvolutionGeometry(batch: 1, inChannels: 16, outChannels: 32, inHeight: 8, inWidth: 8,
                                    kernelHeight: 3, kernelWidth: 3, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1)
        let x = Reorder.toBlocked(Tensor.normal(g.inputShape, using: &rng))
        weak var derived: TensorStorage?
        do {
            let w = Tensor.normal(g.weightShape, using: &rng)
            let first = dnnl.forward(x, weight: w, bias: nil, geometry: g, activation: .identity)
            XCTAssertEqual(DerivedValues.count(of: w.storage), 1, "the blocked copy is cached")
            assertClose(dnnl.forward(x, weight: w, bias: nil, geometry: g, activation: .identity), first, tolerance: 0, "cached weights")
            XCTAssertEqual(DerivedValues.count(of: w.storage), 1)
            w.withUnsafeMutableBufferPointer { $0[3] -= 2 }  // marks the storage modified
            assertClose(dnnl.forward(x, weight: w, bias: nil, geometry: g, activation: .identity),
                        reference.forward(x, weight: w, bias: nil, geometry: g, activation: .identity), "after withUnsafeMutableBufferPointer")
            w.storage.pointer[5] += 1
            w.storage.markModified()
            assertClose(dnnl.forward(x, weight: w, bias: nil, geometry: g, activation: .identity),
                        reference.forward(x, weight: w, bias: nil, geometry: g, activation: .identity), "after markModified")
            // The transposed fast path caches its pointwise weights (and their blocked copy) too.
            let gt = transposedGeometry(batch: 1, inChannels: 32, outChannels: 16, height: 4, width: 4, kernel: (2, 2),
                                        stride: (2, 2), padding: (0, 0), outputPadding: (0, 0), dilation: (1, 1))
            let wt = Tensor.normal(gt.weightShape, using: &rng)
            let xt = Reorder.toBlocked(Tensor.normal(gt.outputShape, using: &rng))
            _ = dnnl.transposedForward(xt, weight: wt, bias: nil, geometry: gt, activation: .identity)
            XCTAssertEqual(DerivedValues.count(of: wt.storage), 1)
            derived = DNNLPatchTransposedConvolution.pointwiseWeights(wt, gt).storage
            XCTAssertNotNil(derived)
            wt.storage.markModified()
            XCTAssertFalse(DNNLPatchTransposedConvolution.pointwiseWeights(wt, gt).storage === derived, "stale copy replaced")
            XCTAssertNil(derived, "the replaced copy is freed")
            derived = DNNLPatchTransposedConvolution.pointwiseWeights(wt, gt).storage
        }
        XCTAssertNil(derived, "derived copies die with their weights")
    }

    func testConvReLUConvChainStaysBlockedAndMatchesReference() {
        var rng = RandomSource(seed: 14)
        let x = Tensor.normal([2, 3, 12, 10], using: &rng)
        let w1 = Tensor.normal([16, 3, 3, 3], std: 0.3, using: &rng), b1 = Tensor.normal([16], using: &rng)
        let w2 = Tensor.normal([32, 16, 3, 3], std: 0.2, using: &rng), b2 = Tensor.normal([32], using: &rng)
        let w3 = Tensor.normal([3, 32, 1, 1], std: 0.2, using: &rng)
        let upstream = Tensor.normal([2, 3, 6, 5], using: &rng)

        func network(_ backend: Backend) -> (hidden: Tensor, output: Tensor, grads: [Tensor]) {
            Engine.withBackend(backend) {
                let params = [x, w1, b1, w2, b2, w3].map { $0.detached().requiringGrad() }
                let h1 = conv2d(params[0], weight: params[1], bias: params[2], padding: .same)
                let h2 = conv2d(h1.relu(), weight: params[3], bias: params[4], stride: (2, 2), padding: .same, activation: .leakyReLU(0.2))
                let y = conv2d(h2, weight: params[5])
                y.backward(upstream)
                return (h2, y, params.map { $0.grad ?? Tensor.zeros($0.shape) })
            }
        }
        let fast = network(.dnnl), slow = network(.reference)
        XCTAssertEqual(fast.hidden.layout, .blocked, "hidden activations stay blocked between oneDNN layers")
        XCTAssertEqual(fast.output.layout, .plain, "3-channel output is plain")
        assertClose(fast.output, slow.output, "chain output")
        for (k, (g, r)) in zip(fast.grads, slow.grads).enumerated() {
            XCTAssertEqual(g.layout, .plain)
            assertClose(g, r, "chain gradient of parameter \(k)")
        }
    }

    func testGradientCheckThroughDNNLBlockedConvolution() {
        Engine.withBackend(.dnnl) {
            var rng = RandomSource(seed: 15)
            let x = Tensor.normal([2, 16, 5, 4], using: &rng)
            let w = Tensor.normal([16, 16, 3, 3], std: 0.1, using: &rng)
            let b = Tensor.normal([16], std: 0.5, using: &rng)
            let target = Tensor.normal([2, 16, 3, 2], using: &rng)
            checkGradients([x, w, b]) { t in
                let y = conv2d(t[0].blocked(), weight: t[1], bias: t[2], stride: (2, 2), padding: .symmetric(1), activation: .tanh)
                XCTAssertEqual(y.layout, .blocked)
                return (y - target).squared().sum()
            }
        }
    }

    func testGradientCheckThroughDNNLTransposedConvolution() {
        Engine.withBackend(.dnnl) {
            var rng = RandomSource(seed: 16)
            let x = Tensor.normal([1, 16, 3, 4], using: &rng)
            let w = Tensor.normal([16, 3, 3, 3], std: 0.2, using: &rng)
            let b = Tensor.normal([3], using: &rng)
            let target = Tensor.normal([1, 3, 6, 8], using: &rng)
            checkGradients([x, w, b]) { t in
                (convTranspose2d(t[0], weight: t[1], bias: t[2], stride: (2, 2), padding: (1, 1), outputPadding: (1, 1),
                                 activation: .sigmoid) - target).squared().sum()
            }
        }
    }

    func testPrimitivesAreCreatedOncePerGeometry() {
        var rng = RandomSource(seed: 17)
        let g = ConvolutionGeometry(batch: 1, inChannels: 16, outChannels: 48, inHeight: 9, inWidth: 9,
                                    kernelHeight: 3, kernelWidth: 3, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1)
        let x = Reorder.toBlocked(Tensor.normal(g.inputShape, using: &rng))
        let w = Tensor.normal(g.weightShape, using: &rng)
        _ = dnnl.forward(x, weight: w, bias: nil, geometry: g, activation: .relu)
        let cached = DNNLConvolutionPrimitives.cachedPassCount
        let first = dnnl.forward(x, weight: w, bias: nil, geometry: g, activation: .relu).toArray()
        XCTAssertEqual(DNNLConvolutionPrimitives.cachedPassCount, cached, "a repeated geometry reuses its primitive")
        // Weights updated in place (as an optimizer does, marking them) must be seen by the next call.
        w.storage.pointer[0] += 1
        w.storage.markModified()
        let second = dnnl.forward(x, weight: w, bias: nil, geometry: g, activation: .relu).toArray()
        XCTAssertNotEqual(first, second)
        assertClose(Tensor(second, shape: g.outputShape), reference.forward(x, weight: w, bias: nil, geometry: g, activation: .relu),
                    "after an in-place weight update")
    }

    func testSetThreadsReachesOneDNN() {
        _ = DNNLBackend.convolution  // creates the context, which registers the observer
        let saved = Engine.threads
        defer { Engine.setThreads(saved) }
        Engine.setThreads(1)
        XCTAssertEqual(latent_dnnl_threads(), 1)
        Engine.setThreads(3)
        XCTAssertEqual(latent_dnnl_threads(), 3)
        var rng = RandomSource(seed: 18)
        checkConvolution(.init(batch: 1, inChannels: 16, outChannels: 16, inHeight: 8, inWidth: 8, kernelHeight: 3, kernelWidth: 3,
                               padTop: 1, padLeft: 1, padBottom: 1, padRight: 1), activation: .relu, rng: &rng)
    }

    func testGEMMMatchesReferenceLoops() {
        var rng = RandomSource(seed: 19)
        for trial in 0..<12 {
            let (m, n, k) = (1 + rng.index(below: 70), 1 + rng.index(below: 70), trial == 0 ? 0 : 1 + rng.index(below: 90))
            let (transA, transB) = (trial % 2 == 1, (trial / 2) % 2 == 1)
            let (lda, ldb, ldc) = ((transA ? m : k) + rng.index(below: 3) + (k == 0 ? 1 : 0),
                                   (transB ? k : n) + rng.index(below: 3) + (k == 0 && transB ? 1 : 0), n + rng.index(below: 3))
            let a = Tensor.normal([max(1, transA ? k : m) * lda], using: &rng).toArray()
            let b = Tensor.normal([max(1, transB ? n : k) * ldb], using: &rng).toArray()
            let c0 = Tensor.normal([m * ldc], using: &rng).toArray()
            let alpha = rng.uniform(-2, 2), beta: Float = trial % 3 == 0 ? 0 : rng.uniform(-1, 1)
            func run(_ backend: Backend) -> [Float] {
                var c = beta == 0 ? [Float](repeating: .nan, count: m * ldc) : c0  // beta 0: C must not be read
                Engine.withBackend(backend) {
                    MatmulKernels.gemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                                       a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: &c, ldc: ldc)
                }
                return (0..<m).flatMap { i in c[i * ldc ..< i * ldc + n] }
            }
            let fast = run(.dnnl), slow = run(.reference)
            // An independent naive product, to keep the reference honest.
            var naive = [Float](repeating: 0, count: m * n)
            for i in 0..<m { for j in 0..<n {
                var s: Double = 0
                for p in 0..<k { s += Double(transA ? a[p * lda + i] : a[i * lda + p]) * Double(transB ? b[j * ldb + p] : b[p * ldb + j]) }
                naive[i * n + j] = Float(Double(alpha) * s) + (beta == 0 ? 0 : beta * c0[i * ldc + j])
            } }
            let what = "gemm trial \(trial) m \(m) n \(n) k \(k) transA \(transA) transB \(transB)"
            assertClose(Tensor(fast, shape: [m, n]), Tensor(naive, shape: [m, n]), what + " (oneDNN)")
            assertClose(Tensor(slow, shape: [m, n]), Tensor(naive, shape: [m, n]), what + " (reference)")
        }
    }
}
