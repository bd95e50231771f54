import Foundation
import XCTest
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
}
