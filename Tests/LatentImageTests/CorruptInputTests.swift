import Foundation
import XCTest
import LatentTestSupport
@testable import LatentImage

/// Mutated PNG and JPEG files (seeded): each one must decode or throw an `ImageError` — never
/// crash, hang or print. 2,400 mutants in all.
final class CorruptInputTests: XCTestCase {
    enum Mutation: CaseIterable { case truncate, flipBytes, badChunkLength, badCRC, insertBytes, zeroRun }

    func mutate(_ bytes: [UInt8], _ mutation: Mutation, format: ImageFormat, using g: inout SeededGenerator) -> [UInt8] {
        var out = bytes
        switch mutation {
        case .truncate:
            out = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &g)))
        case .flipBytes:
            for _ in 0..<Int.random(in: 1...8, using: &g) {
                out[Int.random(in: 0..<out.count, using: &g)] ^= UInt8.random(in: 1...255, using: &g)
            }
        case .badChunkLength, .badCRC:
            // PNG: overwrite a chunk's length field or its CRC. JPEG: a marker segment length.
            let offsets = segmentOffsets(bytes, format: format, crc: mutation == .badCRC)
            let offset = offsets.randomElement(using: &g) ?? 8
            for i in 0..<(format == .png ? 4 : 2) where offset + i < out.count {
                out[offset + i] = UInt8.random(in: 0...255, using: &g)
            }
        case .insertBytes:
            let at = Int.random(in: 0..<out.count, using: &g)
            out.insert(contentsOf: (0..<Int.random(in: 1...16, using: &g)).map { _ in UInt8.random(in: 0...255, using: &g) }, at: at)
        case .zeroRun:
            let at = Int.random(in: 0..<out.count, using: &g)
            for i in at..<min(out.count, at + Int.random(in: 1...64, using: &g)) { out[i] = 0 }
        }
        return out
    }

    /// PNG: offsets of chunk length fields (or CRCs). JPEG: offsets of segment length fields.
    func segmentOffsets(_ b: [UInt8], format: ImageFormat, crc: Bool) -> [Int] {
        var offsets: [Int] = []
        if format == .png {
            var p = 8
            while p + 8 <= b.count {
                let length = Int(b[p]) << 24 | Int(b[p + 1]) << 16 | Int(b[p + 2]) << 8 | Int(b[p + 3])
                offsets.append(crc ? p + 8 + length : p)
                p += 12 + length
            }
        } else {
            var p = 2
            while p + 4 <= b.count, b[p] == 0xFF, b[p + 1] != 0xDA {
                offsets.append(p + 2)
                p += 2 + (Int(b[p + 2]) << 8 | Int(b[p + 3]))
            }
            if p + 4 <= b.count { offsets.append(p + 2) }  // the SOS header
        }
        return offsets.filter { $0 < b.count }
    }

    func sources() throws -> [(name: String, bytes: [UInt8], format: ImageFormat)] {
        let photo = try Image(contentsOf: Paths.assets.appendingPathComponent("chelsea.png").path)
        let small = photo.resized(width: 48, height: 32)
        let gray = small.grayscale()
        var list: [(String, [UInt8], ImageFormat)] = [
            ("png8-rgb", try PNGCodec.encode(small, bitDepth: 8), .png),
            ("png16-rgba", try PNGCodec.encode(small.attachingAlphaIfMissing(), bitDepth: 16), .png),
            ("png8-gray", try PNGCodec.encode(gray, bitDepth: 8), .png),
            ("jpeg-baseline", try JPEGCodec.encode(small), .jpeg),
            ("jpeg-progressive", try JPEGCodec.encode(small, options: .init(progressive: true)), .jpeg),
            ("jpeg-gray-444", try JPEGCodec.encode(gray, options: .init(subsampling: .s444)), .jpeg),
        ]
        if let folder = try? Paths.sharedFolder("conformance/pngsuite") {
            for name in ["basi3p02.png", "basn4a16.png", "tbrn2c08.png"] {
                list.append((name, try readBytes(folder.appendingPathComponent(name)), .png))
            }
        }
        return list
    }

    func testMutantsDecodeOrFailCleanly() throws {
        let start = Date()
        var generator = SeededGenerator(seed: 0x1A7E17)
        var decoded = 0, failed = 0
        let sources = try sources()
        let perSource = 2_400 / sources.count + 1
        for source in sources {
            for index in 0..<perSource {
                let mutation = Mutation.allCases[index % Mutation.allCases.count]
                let mutant = mutate(source.bytes, mutation, format: source.format, using: &generator)
                do {
                    let image = try Image.decode(mutant)
                    XCTAssertEqual(image.samples.count, image.channelCount * image.pixelCount)
                    decoded += 1
                } catch let error as ImageError {
                    XCTAssertFalse(error.reason.isEmpty, "\(source.name) \(mutation)")
                    failed += 1
                } catch {
                    XCTFail("\(source.name) \(mutation): unexpected error type \(error)")
                }
            }
        }
        XCTAssertGreaterThanOrEqual(decoded + failed, 2_000)
        XCTAssertGreaterThan(failed, 100)   // the mutations do damage…
        XCTAssertGreaterThan(decoded, 100)  // …and tolerable damage still decodes
        print("corrupt input: \(decoded) decoded, \(failed) refused in \(Date().timeIntervalSince(start)) s")
    }
}
