/// Applying an EXIF orientation (1–8) so that pixels come out the way they should be displayed.
///
/// Tag meanings (TIFF 6.0 / EXIF 2.3): 1 as stored; 2 mirrored left–right; 3 rotated 180°;
/// 4 mirrored top–bottom; 5 transposed (mirror about the main diagonal); 6 needs a 90° clockwise
/// rotation; 7 transversed (mirror about the anti-diagonal); 8 needs a 90° counter-clockwise
/// rotation. Orientations 5–8 swap width and height.
public enum Orientation {
    /// Display size of a `width`×`height` stored image with tag `orientation`.
    public static func displaySize(width: Int, height: Int, orientation: Int) -> (width: Int, height: Int) {
        orientation >= 5 && orientation <= 8 ? (height, width) : (width, height)
    }

    /// The image as it should be displayed; `sourceOrientation` is kept as metadata.
    public static func apply(_ orientation: Int, to image: Image) -> Image {
        guard (2...8).contains(orientation) else { return image }
        let w = image.width, h = image.height, n = image.pixelCount
        let (outW, outH) = displaySize(width: w, height: h, orientation: orientation)
        let samples = [Float](unsafeUninitializedCapacity: image.samples.count) { out, initialized in
            image.withUnsafeBufferPointer { input in
                for c in 0..<image.channelCount {
                    let src = input.baseAddress! + c * n
                    let dst = out.baseAddress! + c * n
                    for y in 0..<outH {
                        let row = dst + y * outW
                        // Source (sx, sy) for display pixel (x, y).
                        switch orientation {
                        case 2: for x in 0..<outW { row[x] = src[y * w + (w - 1 - x)] }
                        case 3: for x in 0..<outW { row[x] = src[(h - 1 - y) * w + (w - 1 - x)] }
                        case 4: for x in 0..<outW { row[x] = src[(h - 1 - y) * w + x] }
                        case 5: for x in 0..<outW { row[x] = src[x * w + y] }
                        case 6: for x in 0..<outW { row[x] = src[(h - 1 - x) * w + y] }
                        case 7: for x in 0..<outW { row[x] = src[(h - 1 - x) * w + (w - 1 - y)] }
                        default: for x in 0..<outW { row[x] = src[x * w + (w - 1 - y)] }  // 8
                        }
                    }
                }
            }
            initialized = image.samples.count
        }
        return image.replacing(width: outW, height: outH, samples: samples)
    }
}
