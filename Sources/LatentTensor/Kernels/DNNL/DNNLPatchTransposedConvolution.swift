/// Transposed convolutions whose kernel equals their stride (2×2 stride 2, the U-Net's learned
/// upsampling) as a pointwise convolution plus a pixel shuffle.
///
/// With kernel == stride, no padding, no output padding, dilation 1 and one group, every output
/// pixel receives exactly one kernel tap:
///     y[co, k·i + a, k·j + b] = Σ_ci x[ci, i, j] · W[ci, co, a, b] + bias[co]
/// which is a 1×1 convolution x → z with k_h·k_w·Cout channels, channel q = (a·k_w + b)·Cout + co,
/// followed by moving z's channel groups to their pixels. oneDNN's deconvolution kernel for
/// this shape scatters its outputs and ran 5–10× slower than its 1×1 convolution with the same
/// multiply-adds (0.35–0.8 s against ~30 ms on a 166² tile).
///
/// Channels are ordered tap-major (not PyTorch's co-major pixel-shuffle order) so that with
/// blocked activations whole channel blocks move: z block (a·k_w + b)·Cout/L + cb holds y block
/// cb at tap (a, b), and the shuffle copies L-float vectors. Backward data is the 1×1
/// convolution's backward data on the unshuffled gradient; backward weights its weight
/// gradient, permuted back to PyTorch's [Cin, Cout, KH, KW].
enum DNNLPatchTransposedConvolution {
    /// Whether the transposed convolution adjoint to `g` is a patch scatter (see above).
    static func applies(_ g: ConvolutionGeometry) -> Bool {
        g.groups == 1 && g.kernelHeight == g.strideH && g.kernelWidth == g.strideW
            && g.dilationH == 1 && g.dilationW == 1
            && g.padTop == 0 && g.padLeft == 0 && g.padBottom == 0 && g.padRight == 0
            && g.inHeight == g.outHeight * g.kernelHeight && g.inWidth == g.outWidth * g.kernelWidth
    }

    /// The pointwise convolution: x [N, Cin_T, OH, OW] → z [N, taps·Cout_T, OH, OW].
    static func pointwiseGeometry(_ g: ConvolutionGeometry) -> ConvolutionGeometry {
        ConvolutionGeometry(batch: g.batch, inChannels: g.outChannels, outChannels: g.kernelHeight * g.kernelWidth * g.inChannels,
                            inHeight: g.outHeight, inWidth: g.outWidth, kernelHeight: 1, kernelWidth: 1)
    }

    /// Identity of the pointwise-weights derivation in `DerivedValues`.
    private final class PointwiseWeightsKey {}
    private static let pointwiseWeightsKey = PointwiseWeightsKey()

    /// W [Cin, Cout, KH, KW] (plain) → W' [taps·Cout, Cin, 1, 1], W'[(a·KW + b)·Cout + co, ci] = W[ci, co, a, b];
    /// cached on the weight's storage until it is modified.
    static func pointwiseWeights(_ weight: Tensor, _ g: ConvolutionGeometry) -> Tensor {
        let (cin, cout, kh, kw) = (g.outChannels, g.inChannels, g.kernelHeight, g.kernelWidth)
        precondition(weight.layout == .plain && weight.count == cin * cout * kh * kw, "weight \(weight.shape) does not fit \(g)")
        let storage = DerivedValues.value(of: weight.storage, key: pointwiseWeightsKey) { () -> TensorStorage in
            let out = TensorStorage(count: weight.count)
            let src = weight.storage.pointer, dst = out.pointer
            for ci in 0..<cin {
                for co in 0..<cout {
                    for a in 0..<kh {
                        for b in 0..<kw {
                            dst[(((a * kw + b) * cout + co) * cin) + ci] = src[((ci * cout + co) * kh + a) * kw + b]
                        }
                    }
                }
            }
            return out
        }
        return Tensor(storage: storage, shape: [kh * kw * cout, cin, 1, 1])
    }

    /// bias [Cout] → [taps·Cout], repeated per tap.
    static func pointwiseBias(_ bias: Tensor, taps: Int) -> Tensor {
        let out = Tensor.empty([taps * bias.count])
        for t in 0..<taps { (out.storage.pointer + t * bias.count).update(from: bias.storage.pointer, count: bias.count) }
        return out
    }

    /// dW' [taps·Cout, Cin, 1, 1] → dW [Cin, Cout, KH, KW].
    static func patchWeights(_ pointwise: Tensor, _ g: ConvolutionGeometry) -> Tensor {
        let (cin, cout, kh, kw) = (g.outChannels, g.inChannels, g.kernelHeight, g.kernelWidth)
        let out = Tensor.empty(g.weightShape)
        let src = pointwise.storage.pointer, dst = out.storage.pointer
        for ci in 0..<cin {
            for co in 0..<cout {
                for a in 0..<kh {
                    for b in 0..<kw {
                        dst[((ci * cout + co) * kh + a) * kw + b] = src[(((a * kw + b) * cout + co) * cin) + ci]
                    }
                }
            }
        }
        return out
    }

    /// db' [taps·Cout] → db [Cout], summed over taps.
    static func patchBias(_ pointwise: Tensor, channels: Int) -> Tensor {
        let out = Tensor.zeros([channels])
        let src = pointwise.storage.pointer, dst = out.storage.pointer
        for q in 0..<pointwise.count { dst[q % channels] += src[q] }
        return out
    }

    // MARK: Shuffles between the tap-major channels and pixels (plain or blocked, layout kept)

    /// z [N, KH·KW·C, h, w] → y [N, C, h·KH, w·KW], y[c, KH·i + a, KW·j + b] = z[(a·KW + b)·C + c, i, j].
    static func shuffle(_ z: Tensor, channels: Int, kernel: (Int, Int)) -> Tensor {
        let (n, h, w) = (z.shape[0], z.shape[2], z.shape[3])
        let (kh, kw) = kernel
        let y = Tensor.empty([n, channels, h * kh, w * kw], layout: z.layout)
        move(z: z.storage.pointer, y: y.storage.pointer, batch: n, channels: channels, height: h, width: w,
             kernel: kernel, lanes: z.layout == .blocked ? TensorLayout.blockSize : 1, toPixels: true)
        return y
    }

    /// dy [N, C, h·KH, w·KW] → dz [N, KH·KW·C, h, w], the inverse of `shuffle`.
    static func unshuffle(_ dy: Tensor, kernel: (Int, Int)) -> Tensor {
        let (n, c) = (dy.shape[0], dy.shape[1])
        let (kh, kw) = kernel
        let (h, w) = (dy.shape[2] / kh, dy.shape[3] / kw)
        let dz = Tensor.empty([n, kh * kw * c, h, w], layout: dy.layout)
        move(z: dz.storage.pointer, y: dy.storage.pointer, batch: n, channels: c, height: h, width: w,
             kernel: kernel, lanes: dy.layout == .blocked ? TensorLayout.blockSize : 1, toPixels: false)
        return dz
    }

    /// Copies between z (tap-major channel groups at coarse pixels) and y (pixels), one z row
    /// (w pixels of `lanes` channels) at a time, in parallel over z rows.
    private static func move(z: UnsafeMutablePointer<Float>, y: UnsafeMutablePointer<Float>, batch: Int, channels: Int,
                             height h: Int, width w: Int, kernel: (Int, Int), lanes: Int, toPixels: Bool) {
        let (kh, kw) = kernel
        let groups = channels / lanes  // channel groups (blocks) of y
        let taps = kh * kw
        let rows = batch * taps * groups * h  // z rows
        let (outH, outW) = (h * kh, w * kw)
        Parallel.forEachChunk(rows, minimumChunk: max(1, Parallel.minimumElementsPerWorker / max(w * lanes, 1))) { range in
            for row in range {
                // row = ((n·taps + t)·groups + g)·h + i
                let i = row % h
                let g = (row / h) % groups
                let t = (row / (h * groups)) % taps
                let n = row / (h * groups * taps)
                let (a, b) = (t / kw, t % kw)
                let zRow = z + row * w * lanes
                let yRow = y + (((n * groups + g) * outH + kh * i + a) * outW + b) * lanes
                let yStep = kw * lanes
                if lanes == 8 {
                    if toPixels {
                        for j in 0..<w { UnsafeMutableRawPointer(yRow + j * yStep).storeBytes(of: UnsafeRawPointer(zRow + j * 8).loadUnaligned(as: SIMD8<Float>.self), as: SIMD8<Float>.self) }
                    } else {
                        for j in 0..<w { UnsafeMutableRawPointer(zRow + j * 8).storeBytes(of: UnsafeRawPointer(yRow + j * yStep).loadUnaligned(as: SIMD8<Float>.self), as: SIMD8<Float>.self) }
                    }
                } else if lanes == 16 {
                    if toPixels {
                        for j in 0..<w { UnsafeMutableRawPointer(yRow + j * yStep).storeBytes(of: UnsafeRawPointer(zRow + j * 16).loadUnaligned(as: SIMD16<Float>.self), as: SIMD16<Float>.self) }
                    } else {
                        for j in 0..<w { UnsafeMutableRawPointer(zRow + j * 16).storeBytes(of: UnsafeRawPointer(yRow + j * yStep).loadUnaligned(as: SIMD16<Float>.self), as: SIMD16<Float>.self) }
                    }
                } else {
                    for j in 0..<w {
                        for l in 0..<lanes {
                            if toPixels { yRow[j * yStep + l] = zRow[j * lanes + l] } else { zRow[j * lanes + l] = yRow[j * yStep + l] }
                        }
                    }
                }
            }
        }
    }
}
