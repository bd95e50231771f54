import LatentTasks

/// An RGB drawing surface over Latent's `Image` (planar floats in [0, 1]): filled rectangles and
/// text in `BitmapFont`, enough for a bar chart written with Latent's own PNG encoder.
struct Canvas {
    struct Color {
        var r: Float, g: Float, b: Float
        init(_ hex: UInt32) {
            r = Float(hex >> 16 & 0xFF) / 255
            g = Float(hex >> 8 & 0xFF) / 255
            b = Float(hex & 0xFF) / 255
        }
    }

    let width: Int
    let height: Int
    private var samples: [Float]

    init(width: Int, height: Int, background: Color) {
        self.width = width
        self.height = height
        samples = [Float](repeating: 0, count: 3 * width * height)
        fill(x: 0, y: 0, width: width, height: height, background)
    }

    mutating func fill(x: Int, y: Int, width w: Int, height h: Int, _ color: Color) {
        let x0 = max(0, x), y0 = max(0, y), x1 = min(width, x + w), y1 = min(height, y + h)
        guard x0 < x1, y0 < y1 else { return }
        let plane = width * height
        for row in y0..<y1 {
            for column in x0..<x1 {
                let i = row * width + column
                samples[i] = color.r
                samples[plane + i] = color.g
                samples[2 * plane + i] = color.b
            }
        }
    }

    /// Text with its top-left corner at (x, y); each font pixel is `scale`×`scale` pixels.
    mutating func text(_ string: String, x: Int, y: Int, scale: Int = 2, _ color: Color) {
        for (index, character) in string.enumerated() {
            let left = x + index * BitmapFont.advance * scale
            for fy in 0..<BitmapFont.height {
                for fx in 0..<BitmapFont.width where BitmapFont.isSet(character, x: fx, y: fy) {
                    fill(x: left + fx * scale, y: y + fy * scale, width: scale, height: scale, color)
                }
            }
        }
    }

    static func textWidth(_ string: String, scale: Int = 2) -> Int { string.count * BitmapFont.advance * scale }

    var image: Image { Image(width: width, height: height, layout: .rgb, samples: samples) }
}
