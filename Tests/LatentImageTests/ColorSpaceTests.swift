import XCTest
import LatentTestSupport
@testable import LatentImage

final class ColorSpaceTests: XCTestCase {
    func randomRGB(count: Int, seed: UInt64) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        return (0..<(3 * count)).map { _ in Float.random(in: 0...1, using: &generator) }
    }

    func convert(_ input: [Float], count: Int,
                 _ f: (UnsafeBufferPointer<Float>, UnsafeMutableBufferPointer<Float>, Int) -> Void) -> [Float] {
        var out = [Float](repeating: .nan, count: 3 * count)
        input.withUnsafeBufferPointer { i in out.withUnsafeMutableBufferPointer { f(i, $0, count) } }
        return out
    }

    func testYCbCrRoundTripWithin1e4() {
        let n = 10_000
        let rgb = randomRGB(count: n, seed: 1)
        let ycc = convert(rgb, count: n) { ColorSpace.rgbToYCbCr($0, into: $1, pixelCount: $2) }
        let back = convert(ycc, count: n) { ColorSpace.yCbCrToRGB($0, into: $1, pixelCount: $2) }
        for i in rgb.indices { XCTAssertEqual(back[i], rgb[i], accuracy: 1e-4) }
        // Known values: white → (1, 0.5, 0.5); pure red → Y = 0.299, Cr = 1.
        let known = convert([1, 0, 1, 0, 1, 0], count: 2) { ColorSpace.rgbToYCbCr($0, into: $1, pixelCount: $2) }
        XCTAssertEqual(known[0], 1, accuracy: 1e-6)
        XCTAssertEqual(known[2], 0.5, accuracy: 1e-6)
        XCTAssertEqual(known[4], 0.5, accuracy: 1e-6)
        let red = convert([1, 0, 0], count: 1) { ColorSpace.rgbToYCbCr($0, into: $1, pixelCount: $2) }
        XCTAssertEqual(red, [0.299, 0.5 - 0.168736, 1], accuracy: 1e-5)
    }

    func testLabRoundTripWithin1e4AndKnownValues() {
        let n = 10_000
        let rgb = randomRGB(count: n, seed: 2)
        let lab = convert(rgb, count: n) { ColorSpace.rgbToLab($0, into: $1, pixelCount: $2) }
        let back = convert(lab, count: n) { ColorSpace.labToRGB($0, into: $1, pixelCount: $2) }
        for i in rgb.indices { XCTAssertEqual(back[i], rgb[i], accuracy: 1e-4) }
        // Planar [R R, G G, B B] for white and sRGB red; reference Lab (D65): (100, 0, 0) and
        // (53.24, 80.09, 67.20).
        let known = convert([1, 1, 1, 0, 1, 0], count: 2) { ColorSpace.rgbToLab($0, into: $1, pixelCount: $2) }
        XCTAssertEqual(known[0], 100, accuracy: 0.01)
        XCTAssertEqual(known[2], 0, accuracy: 0.01)
        XCTAssertEqual(known[4], 0, accuracy: 0.01)
        XCTAssertEqual(known[1], 53.24, accuracy: 0.01)
        XCTAssertEqual(known[3], 80.09, accuracy: 0.01)
        XCTAssertEqual(known[5], 67.20, accuracy: 0.01)
    }

    func testSRLumaAndGray() {
        var y = [Float](repeating: 0, count: 2)
        [1, 0, 1, 0, 1, 0].withUnsafeBufferPointer { rgb in
            y.withUnsafeMutableBufferPointer { ColorSpace.srLuma(rgb, into: $0, pixelCount: 2) }
        }
        XCTAssertEqual(y[0] * 255, 235, accuracy: 1e-3)
        XCTAssertEqual(y[1] * 255, 16, accuracy: 1e-3)
        let image = Image(width: 1, height: 1, layout: .rgba, samples: [1, 0.5, 0, 0.25])
        let gray = image.grayscale()
        XCTAssertEqual(gray.layout, .grayAlpha)
        XCTAssertEqual(gray.samples[0], 0.299 + 0.587 * 0.5, accuracy: 1e-6)
        XCTAssertEqual(gray.samples[1], 0.25)
        XCTAssertEqual(gray.rgb().samples, [gray.samples[0], gray.samples[0], gray.samples[0], 0.25])
    }

    func testSplittingAndAttachingAlpha() {
        let image = Image(width: 2, height: 1, layout: .rgba, samples: [1, 2, 3, 4, 5, 6, 7, 8].map { Float($0) / 8 })
        let (color, alpha) = image.splittingAlpha()
        XCTAssertEqual(color.layout, .rgb)
        XCTAssertEqual(color.samples, Array(image.samples.prefix(6)))
        XCTAssertEqual(alpha, [7 / 8, 1])
        XCTAssertEqual(color.attachingAlpha(alpha!), image)
        XCTAssertEqual(image.shape, [1, 4, 1, 2])
    }

    /// The plane form may convert in place (chroma resized into the output's G and B planes).
    func testYCbCrToRGBInPlaceMatchesTheCopyingForm() {
        let n = 257
        let ycc: [Float] = (0..<(3 * n)).map { Float(($0 * 37) % 101) / 100 }
        var expected = [Float](repeating: 0, count: 3 * n)
        ycc.withUnsafeBufferPointer { src in
            expected.withUnsafeMutableBufferPointer { ColorSpace.yCbCrToRGB(src, into: $0, pixelCount: n) }
        }
        let luma = Array(ycc[..<n])
        var buffer = [Float](repeating: 0, count: n) + ycc[n...]
        buffer.withUnsafeMutableBufferPointer { all in
            luma.withUnsafeBufferPointer { y in
                let r = all.baseAddress!, g = r + n, b = g + n
                ColorSpace.yCbCrToRGB(y: y.baseAddress!, cb: g, cr: b, r: r, g: g, b: b, count: n)
            }
        }
        XCTAssertEqual(buffer, expected)
    }
}

func XCTAssertEqual(_ a: [Float], _ b: [Float], accuracy: Float, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, file: file, line: line)
    for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: accuracy, file: file, line: line) }
}
