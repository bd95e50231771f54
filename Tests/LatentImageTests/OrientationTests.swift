import XCTest
@testable import LatentImage

/// EXIF orientation: JPEG fixtures made here by inserting an APP1 segment with each tag.
final class OrientationTests: XCTestCase {
    /// 24×16 stored image of 3 × 2 solid 8×8 blocks (R G B over W K Y), aligned to the JPEG 8×8
    /// grid so the colours survive compression and every orientation gives a distinct layout.
    func storedImage() -> Image {
        let w = 24, h = 16, n = w * h
        var samples = [Float](repeating: 0, count: 3 * n)
        for y in 0..<h {
            for x in 0..<w {
                // Blocks: (0,0) red, (1,0) green, (2,0) blue, bottom row white/black/gray.
                let block = (x / 8, y / 8)
                let rgb: (Float, Float, Float)
                switch block {
                case (0, 0): rgb = (1, 0, 0)
                case (1, 0): rgb = (0, 1, 0)
                case (2, 0): rgb = (0, 0, 1)
                case (0, 1): rgb = (1, 1, 1)
                case (1, 1): rgb = (0, 0, 0)
                default: rgb = (1, 1, 0)
                }
                samples[y * w + x] = rgb.0
                samples[n + y * w + x] = rgb.1
                samples[2 * n + y * w + x] = rgb.2
            }
        }
        return Image(width: w, height: h, layout: .rgb, samples: samples)
    }

    /// Colour of block (bx, by) of an image: rounded mean RGB.
    func blockColor(_ image: Image, _ bx: Int, _ by: Int) -> [Int] {
        (0..<3).map { c in
            var sum: Float = 0
            for y in (by * 8 + 2)..<(by * 8 + 6) {
                for x in (bx * 8 + 2)..<(bx * 8 + 6) { sum += image.samples[c * image.pixelCount + y * image.width + x] }
            }
            return Int((sum / 16).rounded())
        }
    }

    func testAllEightOrientationsInBothByteOrders() throws {
        let stored = storedImage()
        let jpeg = try JPEGCodec.encode(stored, options: .init(quality: 100, subsampling: .s444))
        // Stored block grid (3 × 2): R G B / W K Y. Expected display grids, written out by hand
        // from the EXIF definitions (e.g. 6 = rotate 90° clockwise to display).
        let R = [1, 0, 0], G = [0, 1, 0], B = [0, 0, 1], W = [1, 1, 1], K = [0, 0, 0], Y = [1, 1, 0]
        let expected: [Int: [[[Int]]]] = [
            1: [[R, G, B], [W, K, Y]],
            2: [[B, G, R], [Y, K, W]],
            3: [[Y, K, W], [B, G, R]],
            4: [[W, K, Y], [R, G, B]],
            5: [[R, W], [G, K], [B, Y]],
            6: [[W, R], [K, G], [Y, B]],
            7: [[Y, B], [K, G], [W, R]],
            8: [[B, Y], [G, K], [R, W]],
        ]
        for littleEndian in [true, false] {
            for orientation in 1...8 {
                let tagged = insertingEXIFOrientation(orientation, into: jpeg, littleEndian: littleEndian)
                let header = try tagged.withUnsafeBytes { try JPEGCodec.readHeader($0) }
                XCTAssertEqual(header.orientation, orientation)
                let image = try Image.decode(tagged)
                XCTAssertEqual(image.sourceOrientation, orientation)
                let grid = expected[orientation]!
                XCTAssertEqual(image.height, grid.count * 8, "orientation \(orientation)")
                XCTAssertEqual(image.width, grid[0].count * 8, "orientation \(orientation)")
                for (by, row) in grid.enumerated() {
                    for (bx, colour) in row.enumerated() {
                        XCTAssertEqual(blockColor(image, bx, by), colour,
                                       "orientation \(orientation) \(littleEndian ? "II" : "MM") block (\(bx), \(by))")
                    }
                }
            }
        }
    }

    func testMalformedEXIFIsIgnored() {
        XCTAssertNil(EXIF.orientation(tiff: [0x49, 0x49, 42, 0, 0xFF, 0xFF, 0xFF, 0x7F]))
        XCTAssertNil(EXIF.orientation(tiff: [0x41, 0x41, 0, 42, 0, 0, 0, 8]))
        XCTAssertNil(EXIF.orientation(tiff: []))
    }
}
