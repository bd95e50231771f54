import Foundation
import XCTest
@testable import LatentImage

final class LimitsTests: XCTestCase {
    /// PNG signature + IHDR (valid CRC) for `width`×`height` 8-bit RGB, and nothing else.
    func pngHeader(width: UInt32, height: UInt32) -> [UInt8] {
        func be(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
        let body = Array("IHDR".utf8) + be(width) + be(height) + [8, 2, 0, 0, 0]
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in body {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + be(13) + body + be(~crc)
    }

    func testHugePNGHeaderIsRefusedInstantly() {
        let bytes = pngHeader(width: 100_000, height: 100_000)
        let start = Date()
        XCTAssertThrowsError(try Image.decode(bytes)) { error in
            guard case .tooLarge(_, let reason)? = error as? ImageError else { return XCTFail("\(error)") }
            XCTAssertTrue(reason.contains("100000×100000"), reason)
        }
        XCTAssertThrowsError(try ImageHeader.parse(bytes))
        XCTAssertLessThan(Date().timeIntervalSince(start), 0.1)
    }

    func testLimitsAreOverridable() throws {
        let image = Image(width: 300, height: 200, layout: .gray)
        let png = try PNGCodec.encode(image)
        let jpeg = try JPEGCodec.encode(image)
        let tight = ImageLimits(maxPixels: 50_000)
        XCTAssertThrowsError(try Image.decode(png, limits: tight))
        XCTAssertThrowsError(try Image.decode(jpeg, limits: tight))
        XCTAssertThrowsError(try Image.decode(jpeg, limits: ImageLimits(maxSide: 250)))
        XCTAssertEqual(try Image.decode(png, limits: ImageLimits(maxPixels: 60_000)).width, 300)
        XCTAssertNil(ImageLimits.default.violation(width: 65535, height: 1000))
        XCTAssertNotNil(ImageLimits.default.violation(width: 11_000, height: 11_000))
    }
}
