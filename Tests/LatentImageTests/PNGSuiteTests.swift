import Foundation
import XCTest
@testable import LatentImage

/// PngSuite against an independent decode (pypng; Tests/Fixtures/pngsuite/make_reference.py).
final class PNGSuiteTests: XCTestCase {
    struct Reference: Decodable {
        struct Entry: Decodable { let width, height, channels, bitDepth: Int; let sha256: String }
        let valid: [String: Entry]
        let invalid: [String]
    }

    func loadReference() throws -> Reference {
        let url = Paths.fixtures.appendingPathComponent("pngsuite/reference.json")
        return try JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
    }

    func testEveryValidFileMatchesTheReferenceDecode() throws {
        let folder = try Paths.sharedFolder("conformance/pngsuite")
        let reference = try loadReference()
        XCTAssertEqual(reference.valid.count, 161)
        for (name, expected) in reference.valid.sorted(by: { $0.key < $1.key }) {
            let image = try Image(contentsOf: folder.appendingPathComponent(name).path)
            XCTAssertEqual(image.width, expected.width, name)
            XCTAssertEqual(image.height, expected.height, name)
            XCTAssertEqual(image.channelCount, expected.channels, name)
            XCTAssertEqual(image.sourceFormat, .png, name)
            let digest = SHA256.hash(interleavedIntegers(image, bitDepth: expected.bitDepth)).map { String(format: "%02x", $0) }.joined()
            XCTAssertEqual(digest, expected.sha256, "\(name): samples differ from the pypng reference")
            if expected.bitDepth == 16 { XCTAssertEqual(image.sourceBitDepth, 16, name) }
        }
    }

    func testSixteenBitSamplesKeepFullPrecision() throws {
        let folder = try Paths.sharedFolder("conformance/pngsuite")
        let image = try Image(contentsOf: folder.appendingPathComponent("basn0g16.png").path)
        // A 16-bit gradient has values that are not multiples of 257 (i.e. not 8-bit in disguise).
        let values = Set(image.samples.map { Int(($0 * 65535).rounded()) })
        XCTAssertTrue(values.contains { $0 % 257 != 0 })
        for v in image.samples { XCTAssertEqual(v * 65535, (v * 65535).rounded(), accuracy: 1e-3) }
    }

    func testCorruptFilesAreRejectedWithAClearError() throws {
        let folder = try Paths.sharedFolder("conformance/pngsuite")
        let reference = try loadReference()
        XCTAssertEqual(reference.invalid.count, 14)
        for name in reference.invalid {
            let path = folder.appendingPathComponent(name).path
            XCTAssertThrowsError(try Image(contentsOf: path), name) { error in
                guard let error = error as? ImageError else { return XCTFail("\(name): \(error) is not an ImageError") }
                XCTAssertEqual(error.path, path)
                XCTAssertTrue(error.description.hasPrefix("\(path): "), error.description)
                XCTAssertGreaterThan(error.reason.count, 10, error.description)
            }
        }
    }

    func testHeaderOnlyReadMatchesTheDecode() throws {
        let folder = try Paths.sharedFolder("conformance/pngsuite")
        let header = try ImageHeader(contentsOf: folder.appendingPathComponent("basi3p04.png").path)
        XCTAssertEqual(header.format, .png)
        XCTAssertEqual(header.width, 32)
        XCTAssertEqual(header.bitDepth, 4)
        XCTAssertEqual(header.colorModel, "palette")
        XCTAssertTrue(header.isProgressive)
        XCTAssertEqual(header.layout, .rgb)
    }
}
