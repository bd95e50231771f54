import Foundation
import XCTest
import LatentTestSupport
@testable import LatentImage

/// Decoding into reused memory (`DecodeBuffers`) must give exactly what a one-off decode gives,
/// whatever ran before it, and must actually reuse the memory.
final class DecodeBuffersTests: XCTestCase {
    func randomImage(_ layout: ChannelLayout, width: Int, height: Int, seed: UInt64) -> Image {
        var generator = SeededGenerator(seed: seed)
        let samples = (0..<(layout.channelCount * width * height)).map { _ in Float(Int.random(in: 0...255, using: &generator)) / 255 }
        return Image(width: width, height: height, layout: layout, samples: samples)
    }

    func assertSameImage(_ a: Image, _ b: Image, _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a, b, message, file: file, line: line)  // samples and every piece of metadata
    }

    /// Files of different formats, sizes (larger, smaller, then larger again), depths and
    /// orientations, decoded in a row through one set of buffers, recycling each image.
    func testASequenceOfFilesDecodesExactlyAsOneOffDecodes() throws {
        let photo = try Image(contentsOf: Paths.assets.appendingPathComponent("chelsea.png").path)
        let files: [(String, [UInt8])] = [
            ("JPEG photo", try JPEGCodec.encode(photo)),
            ("PNG RGB small", try PNGCodec.encode(randomImage(.rgb, width: 40, height: 30, seed: 1))),
            ("PNG gray+alpha 16-bit", try PNGCodec.encode(randomImage(.grayAlpha, width: 300, height: 200, seed: 2), bitDepth: 16)),
            ("JPEG gray rotated", insertingEXIFOrientation(6, into: try JPEGCodec.encode(photo.grayscale()), littleEndian: true)),
            ("PNG RGBA photo size", try PNGCodec.encode(photo.attachingAlpha([Float](repeating: 0.5, count: photo.pixelCount)))),
            ("JPEG photo again", try JPEGCodec.encode(photo, options: .init(quality: 80, progressive: true))),
            ("CMYK JPEG", try readBytes(Paths.fixtures.appendingPathComponent("jpeg/cmyk_adobe.jpg"))),
        ]
        let buffers = DecodeBuffers()
        for _ in 0..<2 {
            for (name, bytes) in files {
                let expected = try Image.decode(bytes)
                let decoded = try bytes.withUnsafeBytes { try buffers.decode($0) }
                assertSameImage(decoded, expected, name)
                buffers.recycle(consume decoded)
            }
        }
        let counts = buffers.counts
        XCTAssertEqual(counts.copied, 0)
        XCTAssertGreaterThan(counts.reused, 0)
        XCTAssertEqual(counts.reused + counts.allocated, 2 * files.count)
    }

    /// The float decoders (vectorised conversion per strip of rows) give exactly the integer
    /// decode divided by 255, for widths on and off the 16-pixel vector width.
    func testFloatDecodeIsTheByteDecodeOverTwoFiftyFive() throws {
        let photo = try Image(contentsOf: Paths.assets.appendingPathComponent("chelsea.png").path)
        for width in [5, 16, 47, 451] {
            let crop = photo.resized(width: width, height: 33)
            for image in [crop, crop.grayscale()] {
                for bytes in [try JPEGCodec.encode(image), try PNGCodec.encode(image)] {
                    let pixels = try bytes.withUnsafeBytes { raw in
                        ImageFormat.sniff(raw) == .png ? try PNGCodec.decodeInterleaved(raw) : try JPEGCodec.decodeInterleaved(raw)
                    }
                    XCTAssertEqual(try Image.decode(bytes).samples, pixels.planarImage().samples, "\(width) px, \(image.layout)")
                }
            }
        }
    }

    /// Every byte value, on the vector path (16 pixels at a time) and the scalar tail, gray and RGB,
    /// decodes to exactly `Float(v) / 255`.
    func testEveryByteValueDecodesToExactlyItsValueOverTwoFiftyFive() throws {
        let values = (0..<256).map { Float($0) / 255 }
        let gray = Image(width: 259, height: 1, layout: .gray, samples: values + [values[255], values[0], values[128]])
        let rgb = Image(width: 256, height: 1, layout: .rgb,
                        samples: values + values.reversed() + (0..<256).map { Float($0 * 7 % 256) / 255 })
        for image in [gray, rgb] {
            XCTAssertEqual(try Image.decode(try PNGCodec.encode(image, bitDepth: 8)).samples, image.samples, "\(image.layout)")
        }
    }

    func testRecycledMemoryIsReusedForTheNextImage() throws {
        let buffers = DecodeBuffers()
        let first = try PNGCodec.encode(randomImage(.rgb, width: 64, height: 48, seed: 3))
        let second = try PNGCodec.encode(randomImage(.rgb, width: 64, height: 48, seed: 4))
        let image = try first.withUnsafeBytes { try buffers.decode($0) }
        let address = image.withUnsafeBufferPointer { $0.baseAddress }
        buffers.recycle(consume image)
        XCTAssertEqual(buffers.spareCount, 1)
        let next = try second.withUnsafeBytes { try buffers.decode($0) }
        XCTAssertEqual(next.withUnsafeBufferPointer { $0.baseAddress }, address, "the recycled buffer was not reused")
        XCTAssertEqual(next, try Image.decode(second))
        XCTAssertEqual(buffers.counts, DecodeBuffers.Counts(reused: 1, allocated: 1, copied: 0))
    }

    /// Recycling an image that is still in use elsewhere must not let the next decode change it.
    func testAnImageStillInUseIsNeverOverwritten() throws {
        let buffers = DecodeBuffers()
        let first = try PNGCodec.encode(randomImage(.gray, width: 50, height: 20, seed: 5))
        let second = try PNGCodec.encode(randomImage(.gray, width: 50, height: 20, seed: 6))
        let kept = try first.withUnsafeBytes { try buffers.decode($0) }
        buffers.recycle(kept)  // but `kept` lives on
        let next = try second.withUnsafeBytes { try buffers.decode($0) }
        XCTAssertEqual(kept, try Image.decode(first))
        XCTAssertEqual(next, try Image.decode(second))
        XCTAssertEqual(buffers.counts.copied, 1)
    }

    func testMoreRecycledImagesThanSparesAreReleased() throws {
        let buffers = DecodeBuffers(maximumSpares: 2)
        let bytes = try PNGCodec.encode(randomImage(.gray, width: 8, height: 8, seed: 7))
        let images = try (0..<4).map { _ in try bytes.withUnsafeBytes { try buffers.decode($0) } }
        for image in images { buffers.recycle(image) }
        XCTAssertEqual(buffers.spareCount, 2)
    }

    func testFilesAreReadIntoReusedBytesAndErrorsNameThePath() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("latent-decode-buffers-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let big = randomImage(.rgb, width: 120, height: 90, seed: 8), small = randomImage(.gray, width: 10, height: 10, seed: 9)
        let bigPath = folder.appendingPathComponent("big.png").path, smallPath = folder.appendingPathComponent("small.png").path
        try big.write(to: bigPath)
        try small.write(to: smallPath)
        let corruptPath = folder.appendingPathComponent("corrupt.png").path
        var corrupt = try PNGCodec.encode(big)
        corrupt.replaceSubrange(60..<200, with: [UInt8](repeating: 0x55, count: 140))
        try Data(corrupt).write(to: URL(fileURLWithPath: corruptPath))
        let emptyPath = folder.appendingPathComponent("empty.png").path
        XCTAssertTrue(FileManager.default.createFile(atPath: emptyPath, contents: Data()))

        let buffers = DecodeBuffers()
        // Big file first, so that the small one is read into a longer buffer than it needs.
        for path in [bigPath, smallPath, bigPath] {
            let image = try buffers.decode(contentsOf: path)
            XCTAssertEqual(image, try Image(contentsOf: path), path)
            buffers.recycle(consume image)
        }
        for (path, expected) in [(corruptPath, "corrupt PNG"), (emptyPath, "unsupported format"),
                                 (folder.appendingPathComponent("missing.png").path, "no such file")] {
            XCTAssertThrowsError(try buffers.decode(contentsOf: path)) { error in
                let imageError = error as? ImageError
                XCTAssertEqual(imageError?.path, path)
                XCTAssertTrue(imageError?.reason.contains(expected) ?? false, "\(error)")
            }
        }
        // Failures leave the buffers usable.
        XCTAssertEqual(try buffers.decode(contentsOf: smallPath), try Image(contentsOf: smallPath))
    }

    /// Interlaced PNGs decode whole into the scratch before conversion (pngsuite's basi* files).
    func testInterlacedPNGsDecodeAsOneOffDecodes() throws {
        let folder = try Paths.sharedFolder("conformance/pngsuite")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix("basi") }.sorted()
        XCTAssertFalse(names.isEmpty)
        let buffers = DecodeBuffers()
        for name in names {
            let path = folder.appendingPathComponent(name).path
            let image = try buffers.decode(contentsOf: path)
            XCTAssertEqual(image, try Image(contentsOf: path), name)
            buffers.recycle(image)
        }
    }
}
