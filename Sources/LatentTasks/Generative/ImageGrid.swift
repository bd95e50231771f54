import LatentImage
import LatentTensor

/// Turning a batch of generated images into image files: one image each, or a grid.
public enum ImageGrid {
    /// The images of a batch. batch: [N, C, S, S] with values in [0, 1] (clamped) → N images.
    public static func images(_ batch: Tensor) -> [Image] {
        let values = batch.plain().toArray()
        let (n, c, h, w) = (batch.shape[0], batch.shape[1], batch.shape[2], batch.shape[3])
        let per = c * h * w
        return (0..<n).map { i in
            Image(width: w, height: h, layout: c == 1 ? .gray : .rgb,
                  samples: values[i * per..<(i + 1) * per].map { min(max($0, 0), 1) })
        }
    }

    /// `images` (all of one size and layout) tiled row by row into `rows × columns` cells,
    /// separated by a `gutter` of white pixels (so that dark samples stay apart); missing
    /// cells stay white.
    public static func tile(_ images: [Image], rows: Int, columns: Int, gutter: Int = 2) -> Image {
        precondition(!images.isEmpty && images.count <= rows * columns, "\(images.count) images for a \(rows)×\(columns) grid")
        let (w, h, c) = (images[0].width, images[0].height, images[0].channelCount)
        let width = columns * w + (columns - 1) * gutter, height = rows * h + (rows - 1) * gutter
        var out = [Float](repeating: 1, count: c * width * height)
        for (k, image) in images.enumerated() {
            precondition(image.width == w && image.height == h && image.channelCount == c, "grid images differ in size or channels")
            let (x0, y0) = ((k % columns) * (w + gutter), (k / columns) * (h + gutter))
            for ch in 0..<c {
                for y in 0..<h {
                    for x in 0..<w {
                        out[(ch * height + y0 + y) * width + x0 + x] = image.samples[(ch * h + y) * w + x]
                    }
                }
            }
        }
        return Image(width: width, height: height, layout: images[0].layout, samples: out)
    }

    /// The grid that holds `count` images most squarely: columns = ⌈√count⌉.
    public static func shape(for count: Int) -> (rows: Int, columns: Int) {
        var columns = 1
        while columns * columns < count { columns += 1 }
        return ((count + columns - 1) / columns, columns)
    }
}
