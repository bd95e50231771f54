/// Runs a `PlaneModel` over an image in tiles, so that memory is bounded by the tile size, not
/// the image size.
///
/// The image is cut into a grid of core tiles `tileSize` wide (a multiple of the model's
/// alignment). Each core is read with `alignedMargin` of context on every side (mirrored past
/// the image border), padded up to the alignment, run, and only the core of the result is kept.
/// Because windows start at aligned offsets of the same mirrored frame and the margin covers
/// the receptive field, every kept pixel is computed from the same inputs as in a single
/// whole-image pass (one tile covering everything): results agree up to float rounding.
public struct TiledInference {
    /// Core tile side in input pixels.
    public let tileSize: Int

    public init(tileSize: Int, requirements: TileRequirements) {
        let a = requirements.alignment
        self.tileSize = max(a, tileSize / a * a)
    }

    /// A single pass over the whole image, however large (the reference the tiles must match).
    public static func wholeImage(requirements: TileRequirements) -> TiledInference {
        TiledInference(tileSize: Int.max / 4, requirements: requirements)
    }

    /// The largest core tile whose window fits `bytes` of activations, at least one alignment
    /// step and at least as big as the margin (smaller tiles would mostly compute context).
    public static func tileSize(forBudget bytes: Int, model: PlaneModel) -> Int {
        let r = model.tileRequirements
        let windowSide = Int(Double(max(bytes, 1) / max(model.activationBytesPerPixel, 1)).squareRoot())
        let core = (windowSide - 2 * r.alignedMargin) / r.alignment * r.alignment
        return max(core, max(r.alignment, r.alignedMargin / r.alignment * r.alignment))
    }

    /// How many tiles an image of this size takes.
    public func tileCount(width: Int, height: Int) -> Int {
        ((width + tileSize - 1) / tileSize) * ((height + tileSize - 1) / tileSize)
    }

    /// The core side that cuts `length` into as many tiles as `tileSize` needs, all about equal
    /// (a multiple of the alignment): equal tiles reuse one set of buffers and oneDNN
    /// primitives, where a full tile plus a sliver would need two (measured 10–15% faster).
    func balancedCore(_ length: Int, alignment a: Int) -> Int {
        let count = (length + tileSize - 1) / tileSize
        let even = (length + count - 1) / count
        return min(tileSize, (even + a - 1) / a * a)
    }

    /// planes: [model.inputChannels, height, width] → [model.outputChannels, height·s, width·s].
    /// `progress` is called after each tile with the fraction done.
    public func apply(_ model: PlaneModel, planes: UnsafeBufferPointer<Float>, width: Int, height: Int,
                      progress: (Double) -> Void = { _ in }) -> [Float] {
        let r = model.tileRequirements
        let (m, a, s) = (r.alignedMargin, r.alignment, r.scale)
        precondition(planes.count == model.inputChannels * width * height, "planes do not match the size")
        let outWidth = width * s, outHeight = height * s, outChannels = model.outputChannels
        var output = [Float](repeating: 0, count: outChannels * outWidth * outHeight)
        let total = tileCount(width: width, height: height)
        var done = 0
        let (stepX, stepY) = (balancedCore(width, alignment: a), balancedCore(height, alignment: a))
        for y0 in stride(from: 0, to: height, by: stepY) {
            for x0 in stride(from: 0, to: width, by: stepX) {
                let coreWidth = min(stepX, width - x0), coreHeight = min(stepY, height - y0)
                let windowWidth = coreWidth + 2 * m + ReflectPadding.amountToMultiple(coreWidth + 2 * m, a)
                let windowHeight = coreHeight + 2 * m + ReflectPadding.amountToMultiple(coreHeight + 2 * m, a)
                let window = ReflectPadding.window(planes, channels: model.inputChannels, width: width, height: height,
                                                   x0: x0 - m, y0: y0 - m, windowWidth: windowWidth, windowHeight: windowHeight)
                let result = model.run(window, width: windowWidth, height: windowHeight)
                precondition(result.count == outChannels * windowWidth * s * windowHeight * s,
                             "model returned \(result.count) samples for a \(windowWidth)×\(windowHeight) window")
                // Keep the core: rows [m·s, (m + coreHeight)·s) and the same columns.
                let (rw, rh) = (windowWidth * s, windowHeight * s)
                output.withUnsafeMutableBufferPointer { dst in
                    result.withUnsafeBufferPointer { src in
                        for c in 0..<outChannels {
                            for y in 0..<(coreHeight * s) {
                                let from = (c * rh + m * s + y) * rw + m * s
                                let to = (c * outHeight + y0 * s + y) * outWidth + x0 * s
                                (dst.baseAddress! + to).update(from: src.baseAddress! + from, count: coreWidth * s)
                            }
                        }
                    }
                }
                done += 1
                progress(Double(done) / Double(total))
            }
        }
        return output
    }
}
