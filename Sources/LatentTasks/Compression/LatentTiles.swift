/// Overlapping windows on the latent grid, so that the codec's transforms run on bounded memory
/// for any image size: each core of `tile` × `tile` latent cells is computed from a window with
/// `margin` cells of context on every side, clipped at the edges of the (padded) image.
///
/// Clipped windows end where the whole image ends, so the convolutions pad them exactly as
/// they pad the whole image, and the margin covers the transforms' receptive field: every
/// kept value is computed from the same inputs as in one whole-image pass (up to float
/// rounding; tested).
struct LatentTiles {
    struct Region {
        var x: Int, y: Int, width: Int, height: Int
    }

    let tile: Int
    let margin: Int

    /// Cores and their windows, row by row, for a latent of this size.
    func regions(latentWidth lw: Int, latentHeight lh: Int) -> [(core: Region, window: Region)] {
        var result: [(Region, Region)] = []
        for y0 in stride(from: 0, to: lh, by: tile) {
            for x0 in stride(from: 0, to: lw, by: tile) {
                let core = Region(x: x0, y: y0, width: min(tile, lw - x0), height: min(tile, lh - y0))
                let wx = max(0, x0 - margin), wy = max(0, y0 - margin)
                let window = Region(x: wx, y: wy, width: min(lw, core.x + core.width + margin) - wx,
                                    height: min(lh, core.y + core.height + margin) - wy)
                result.append((core, window))
            }
        }
        return result
    }

    /// Copies rows `region` (in units of `unit` pixels of a latent cell) of planar [C, H, W] data.
    static func cut(_ planes: UnsafeBufferPointer<Float>, channels: Int, width: Int, height: Int,
                    _ region: Region, unit: Int) -> [Float] {
        let (x0, y0, w, h) = (region.x * unit, region.y * unit, region.width * unit, region.height * unit)
        var out = [Float](repeating: 0, count: channels * w * h)
        out.withUnsafeMutableBufferPointer { dst in
            for c in 0..<channels {
                for y in 0..<h {
                    let src = (c * height + y0 + y) * width + x0
                    for x in 0..<w { dst[(c * h + y) * w + x] = planes[src + x] }
                }
            }
        }
        return out
    }

    /// Writes the part of `result` (planar [C, window·unit]) that is the core into `output`
    /// (planar [C, H, W] at `unit` pixels per latent cell).
    static func paste(_ result: [Float], window: Region, core: Region, channels: Int, unit: Int,
                      into output: inout [Float], width: Int, height: Int) {
        let (rw, rh) = (window.width * unit, window.height * unit)
        let (dx, dy) = ((core.x - window.x) * unit, (core.y - window.y) * unit)
        let (cw, ch) = (core.width * unit, core.height * unit)
        precondition(result.count == channels * rw * rh, "tile result of \(result.count) values for \(channels)×\(rh)×\(rw)")
        for c in 0..<channels {
            for y in 0..<ch {
                let src = (c * rh + dy + y) * rw + dx
                let dst = (c * height + core.y * unit + y) * width + core.x * unit
                for x in 0..<cw { output[dst + x] = result[src + x] }
            }
        }
    }
}
