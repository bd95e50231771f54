/// Direct convolution loops: the oracle the oneDNN kernels are tested against.
/// Parallel over images × output channels (forward), images × input channels (backward data)
/// and output channels (backward weights), so that no two workers write the same element.
/// Grouped: an output channel co reads input channels group·Cin/G ..< (group + 1)·Cin/G,
/// group = co / (Cout/G), through weight[co, ci − group·Cin/G].
struct ConvolutionReference: ConvolutionKernels {
    func forward(_ x: Tensor, weight: Tensor, bias: Tensor?, geometry g: ConvolutionGeometry, activation: Activation) -> Tensor {
        let x = x.layout == .plain ? x : Reorder.toPlain(x)
        let y = Tensor.empty(g.outputShape)
        let (oh, ow) = (g.outHeight, g.outWidth)
        let px = x.storage.pointer, pw = weight.storage.pointer, py = y.storage.pointer
        let pb = bias?.storage.pointer
        Parallel.forEach(g.batch * g.outChannels) { job in
            let (n, co) = (job / g.outChannels, job % g.outChannels)
            let out = py + (n * g.outChannels + co) * oh * ow
            let b = pb?[co] ?? 0
            for i in 0..<oh * ow { out[i] = b }
            let firstInput = co / g.groupOutChannels * g.groupInChannels
            for local in 0..<g.groupInChannels {
                let plane = px + (n * g.inChannels + firstInput + local) * g.inHeight * g.inWidth
                for ky in 0..<g.kernelHeight {
                    for kx in 0..<g.kernelWidth {
                        let w = pw[((co * g.groupInChannels + local) * g.kernelHeight + ky) * g.kernelWidth + kx]
                        for oy in 0..<oh {
                            let iy = oy * g.strideH - g.padTop + ky * g.dilationH
                            guard iy >= 0 && iy < g.inHeight else { continue }
                            for ox in 0..<ow {
                                let ix = ox * g.strideW - g.padLeft + kx * g.dilationW
                                guard ix >= 0 && ix < g.inWidth else { continue }
                                out[oy * ow + ox] += w * plane[iy * g.inWidth + ix]
                            }
                        }
                    }
                }
            }
            if activation != .identity {
                for i in 0..<oh * ow { out[i] = activation.apply(out[i]) }
            }
        }
        return y
    }

    func backwardData(_ gradOutput: Tensor, weight: Tensor, geometry g: ConvolutionGeometry) -> Tensor {
        let dy = gradOutput.layout == .plain ? gradOutput : Reorder.toPlain(gradOutput)
        let dx = Tensor.zeros(g.inputShape)
        let (oh, ow) = (g.outHeight, g.outWidth)
        let pdy = dy.storage.pointer, pw = weight.storage.pointer, pdx = dx.storage.pointer
        Parallel.forEach(g.batch * g.inChannels) { job in
            let (n, ci) = (job / g.inChannels, job % g.inChannels)
            let plane = pdx + (n * g.inChannels + ci) * g.inHeight * g.inWidth
            let (group, local) = (ci / g.groupInChannels, ci % g.groupInChannels)
            for co in group * g.groupOutChannels..<(group + 1) * g.groupOutChannels {
                let grad = pdy + (n * g.outChannels + co) * oh * ow
                for ky in 0..<g.kernelHeight {
                    for kx in 0..<g.kernelWidth {
                        let w = pw[((co * g.groupInChannels + local) * g.kernelHeight + ky) * g.kernelWidth + kx]
                        for oy in 0..<oh {
                            let iy = oy * g.strideH - g.padTop + ky * g.dilationH
                            guard iy >= 0 && iy < g.inHeight else { continue }
                            for ox in 0..<ow {
                                let ix = ox * g.strideW - g.padLeft + kx * g.dilationW
                                guard ix >= 0 && ix < g.inWidth else { continue }
                                plane[iy * g.inWidth + ix] += w * grad[oy * ow + ox]
                            }
                        }
                    }
                }
            }
        }
        return dx
    }

    func backwardWeights(_ gradOutput: Tensor, input: Tensor, geometry g: ConvolutionGeometry, withBias: Bool) -> (weight: Tensor, bias: Tensor?) {
        let dy = gradOutput.layout == .plain ? gradOutput : Reorder.toPlain(gradOutput)
        let x = input.layout == .plain ? input : Reorder.toPlain(input)
        let dw = Tensor.zeros(g.weightShape)
        let db = withBias ? Tensor.zeros([g.outChannels]) : nil
        let (oh, ow) = (g.outHeight, g.outWidth)
        let pdy = dy.storage.pointer, px = x.storage.pointer, pdw = dw.storage.pointer
        let pdb = db?.storage.pointer
        Parallel.forEach(g.outChannels) { co in
            for n in 0..<g.batch {
                let grad = pdy + (n * g.outChannels + co) * oh * ow
                if let pdb {
                    var s: Float = 0
                    for i in 0..<oh * ow { s += grad[i] }
                    pdb[co] += s
                }
                let firstInput = co / g.groupOutChannels * g.groupInChannels
                for local in 0..<g.groupInChannels {
                    let plane = px + (n * g.inChannels + firstInput + local) * g.inHeight * g.inWidth
                    for ky in 0..<g.kernelHeight {
                        for kx in 0..<g.kernelWidth {
                            var s: Float = 0
                            for oy in 0..<oh {
                                let iy = oy * g.strideH - g.padTop + ky * g.dilationH
                                guard iy >= 0 && iy < g.inHeight else { continue }
                                for ox in 0..<ow {
                                    let ix = ox * g.strideW - g.padLeft + kx * g.dilationW
                                    guard ix >= 0 && ix < g.inWidth else { continue }
                                    s += grad[oy * ow + ox] * plane[iy * g.inWidth + ix]
                                }
                            }
                            pdw[((co * g.groupInChannels + local) * g.kernelHeight + ky) * g.kernelWidth + kx] += s
                        }
                    }
                }
            }
        }
        return (dw, db)
    }
}
