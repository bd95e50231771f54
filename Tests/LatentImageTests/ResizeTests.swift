import Foundation
import XCTest
import LatentTestSupport
@testable import LatentImage

/// Resize against Pillow (Tests/Fixtures/resize/make_resize.py, Pillow 13.0.0, mode "F").
/// Tolerance 1e-5: Pillow accumulates in double, we in Float32, and the fixture holds 7 decimals.
final class ResizeTests: XCTestCase {
    struct Fixture: Decodable {
        struct Case: Decodable { let width, height: Int; let values: [Float] }
        let width, height: Int
        let input: [Float]
        let cases: [Case]
    }

    func testMatchesPillowBicubicOnFloatData() throws {
        let url = Paths.fixtures.appendingPathComponent("resize/pillow_bicubic.json")
        let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
        let source = Image(width: fixture.width, height: fixture.height, layout: .gray, samples: fixture.input)
        XCTAssertGreaterThanOrEqual(fixture.cases.count, 7)
        for expected in fixture.cases {
            let resized = source.resized(width: expected.width, height: expected.height)
            var worst: Float = 0
            for (a, b) in zip(resized.samples, expected.values) { worst = max(worst, abs(a - b)) }
            XCTAssertLessThanOrEqual(worst, 1e-5, "\(expected.width)×\(expected.height): max error \(worst)")
        }
    }

    func testChannelsAreResizedIndependentlyAndConstantsStayConstant() {
        let w = 40, h = 30, n = w * h
        let samples = [Float](repeating: 0.25, count: n) + (0..<n).map { Float($0 % w) / Float(w) }
        let image = Image(width: w, height: h, layout: .grayAlpha, samples: samples)
        let small = image.resized(width: 13, height: 7)
        XCTAssertEqual(small.layout, .grayAlpha)
        for v in small.plane(0) { XCTAssertEqual(v, 0.25, accuracy: 1e-6) }
        // A horizontal ramp stays monotone along x.
        let alpha = Array(small.plane(1))
        for x in 1..<13 { XCTAssertGreaterThan(alpha[x], alpha[x - 1]) }
    }

    /// Threads share rows: any worker count gives the same bits, and the `into:` form writes
    /// exactly its slice of a larger buffer.
    func testWorkersAndDestinationDoNotChangeTheResult() {
        let (w, h) = (401, 299)
        var generator = SeededGenerator(seed: 7)
        let source: [Float] = (0..<(2 * w * h)).map { _ in Float.random(in: 0...1, using: &generator) }
        for (nw, nh) in [(802, 598), (150, 97), (401, 640), (900, 299)] {
            let serial = source.withUnsafeBufferPointer {
                Resize.bicubic($0, channels: 2, width: w, height: h, newWidth: nw, newHeight: nh)
            }
            let parallel = source.withUnsafeBufferPointer {
                Resize.bicubic($0, channels: 2, width: w, height: h, newWidth: nw, newHeight: nh, workers: 4)
            }
            XCTAssertEqual(serial, parallel, "\(nw)×\(nh)")
            var framed = [Float](repeating: -7, count: serial.count + 10)
            framed.withUnsafeMutableBufferPointer { all in
                source.withUnsafeBufferPointer {
                    Resize.bicubic($0, channels: 2, width: w, height: h, newWidth: nw, newHeight: nh,
                                   into: UnsafeMutableBufferPointer(rebasing: all[5..<(5 + serial.count)]), workers: 3)
                }
            }
            XCTAssertEqual(Array(framed[5..<(5 + serial.count)]), serial, "\(nw)×\(nh) into a slice")
            let untouched: [Float] = Array(framed[..<5]) + Array(framed[(5 + serial.count)...])
            XCTAssertEqual(untouched, [Float](repeating: -7, count: 10))
        }
    }
}
