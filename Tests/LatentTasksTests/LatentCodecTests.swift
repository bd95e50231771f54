import XCTest
import LatentImage
import LatentModels
import LatentNN
import LatentTensor
@testable import LatentTasks

/// The codec end to end with randomly initialised models: bytes, determinism, the container's
/// checks, and damaged files.
final class LatentCodecTests: XCTestCase {
    private var folder: String!

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "latent-codec-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: folder) }

    static let tinyArchitecture = CompressionArchitecture(width: 16, latentChannels: 8, levels: 3)

    static func codec(seed: UInt64 = 1, architecture: CompressionArchitecture = tinyArchitecture, id: String = "tiny") throws -> LatentCodec {
        let network = FactorizedPriorCodec(architecture, seed: seed)
        network.eval()
        return try LatentCodec(network: network, tables: EntropyTables(density: network.density), id: id)
    }

    /// A smooth colour image with an edge, of any size.
    static func image(width: Int, height: Int, layout: ChannelLayout = .rgb) -> Image {
        let n = width * height
        var samples = [Float](repeating: 0, count: layout.channelCount * n)
        for c in 0..<layout.channelCount {
            for y in 0..<height {
                for x in 0..<width {
                    let v = 0.5 + 0.3 * sin(Float(x) * 0.3 + Float(c)) * cos(Float(y) * 0.2) + (x > width / 2 ? 0.1 : 0)
                    samples[c * n + y * width + x] = (v * 255).rounded() / 255
                }
            }
        }
        return Image(width: width, height: height, layout: layout, samples: samples)
    }

    func testRoundTripKeepsSizeColourAndDepthAndIsDeterministic() throws {
        let codec = try Self.codec()
        let rgb = Self.image(width: 37, height: 23)
        let bytes = try codec.encode(rgb)
        XCTAssertEqual(try codec.encode(rgb), bytes, "encoding is deterministic")
        let decoded = try codec.decode(bytes, source: "a.lat")
        XCTAssertEqual([decoded.width, decoded.height], [37, 23])
        XCTAssertEqual(decoded.layout, .rgb)
        XCTAssertEqual(decoded.sourceBitDepth, 8)
        XCTAssertTrue(decoded.samples.allSatisfy { $0 >= 0 && $0 <= 1 })
        XCTAssertEqual(try codec.decode(bytes, source: "a.lat"), decoded, "decoding is deterministic")

        var gray = Self.image(width: 5, height: 3, layout: .gray)
        gray.sourceBitDepth = 16
        gray.iccProfile = [1, 2, 3]
        let file = try codec.encodedFile(gray)
        XCTAssertEqual([file.channels, file.bitDepth, file.latentHeight, file.latentWidth], [1, 16, 1, 1])
        let back = try codec.decode(file.serialized(), source: "g.lat")
        XCTAssertEqual(back.layout, .gray)
        XCTAssertEqual(back.sourceBitDepth, 16)
        XCTAssertEqual(back.iccProfile, [1, 2, 3])
        XCTAssertEqual([back.width, back.height], [5, 3])

        XCTAssertThrowsError(try codec.encode(rgb.attachingAlpha([Float](repeating: 1, count: 37 * 23)))) {
            XCTAssertTrue("\($0)".contains("alpha"), "\($0)")
        }
    }

    /// The same image gives the same `.lat` bytes and the same decoded pixels on 1 and 2
    /// threads, with the model file the training writes.
    func testBytesAreIdenticalAcrossThreadCountsThroughAModelFile() throws {
        let network = FactorizedPriorCodec(CompressionArchitecture(width: 16, latentChannels: 16, levels: 4), seed: 3)
        let tables = try EntropyTables(density: network.density)
        let path = folder + "/compress-test.safetensors"
        try ModelFile.save(network, architecture: network.architecture, trainingJSON: "{}",
                           extraTensors: try tables.storedTensors(), to: path)
        let codec = try LatentCodec(modelPath: path)
        XCTAssertEqual(codec.modelID, "compress-test")
        XCTAssertEqual(codec.modelHash, try LatentCodec(network: network, tables: tables).modelHash,
                       "the hash covers the tensors, not where they are")
        XCTAssertEqual(codec.tables, tables)

        let image = Self.image(width: 70, height: 45)
        let previous = Engine.threads
        defer { Engine.setThreads(previous) }
        var codes: [[UInt8]] = []
        var pixels: [[Float]] = []
        for threads in [1, 2, 1] {
            Engine.setThreads(threads)
            let bytes = try codec.encode(image)
            codes.append(bytes)
            pixels.append(try codec.decode(bytes, source: "x.lat").samples)
        }
        XCTAssertEqual(codes[0], codes[1])
        XCTAssertEqual(codes[0], codes[2])
        XCTAssertEqual(pixels[0], pixels[1])
        XCTAssertEqual(pixels[0], pixels[2])
    }

    /// With a small activation budget the transforms run in many tiles of the latent grid, and
    /// give the whole-image results (margins cover the receptive field; edges pad as the whole).
    func testTiledTransformsMatchTheWholeImage() throws {
        let codec = try Self.codec(seed: 4)
        let image = Self.image(width: 203, height: 150)
        let (lw, lh) = codec.architecture.latentSize(width: 203, height: 150)
        codec.activationBudget = 1 << 40
        XCTAssertEqual(codec.tiles(latentWidth: lw, latentHeight: lh, synthesis: true).regions(latentWidth: lw, latentHeight: lh).count, 1)
        let whole = codec.analyse(image, latentWidth: lw, latentHeight: lh)
        let wholeImage = codec.synthesise(whole, latentWidth: lw, latentHeight: lh)
        codec.activationBudget = 64 << 10
        XCTAssertEqual(codec.tiles(latentWidth: lw, latentHeight: lh, synthesis: true).tile, 4)
        let tiles = codec.tiles(latentWidth: lw, latentHeight: lh)
        XCTAssertEqual(tiles.tile, 4)
        XCTAssertGreaterThan(tiles.regions(latentWidth: lw, latentHeight: lh).count, 20)
        let tiled = codec.analyse(image, latentWidth: lw, latentHeight: lh)
        let tiledImage = codec.synthesise(whole, latentWidth: lw, latentHeight: lh)
        XCTAssertEqual(tiled.count, whole.count)
        XCTAssertLessThan(zip(tiled, whole).map { abs($0 - $1) }.max()!, 1e-4)
        XCTAssertLessThan(zip(tiledImage, wholeImage).map { abs($0 - $1) }.max()!, 1e-4)
        // And the file decodes to the same size through tiles.
        XCTAssertEqual(try codec.decode(try codec.encode(image), source: "t.lat").width, 203)
    }

    func testAFileFromOtherWeightsSaysWhichModelItNeeds() throws {
        let bytes = try Self.codec(seed: 1, id: "compress-q3").encode(Self.image(width: 8, height: 8))
        let other = try Self.codec(seed: 2)
        XCTAssertThrowsError(try other.decode(bytes, source: "p.lat")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("p.lat") && text.contains("compress-q3"), text)
        }
    }

    func testContainerRoundTripAndMessages() throws {
        let file = LatentCodeFile(modelID: "compress-q1", modelHash: [1, 2, 3, 4, 5, 6, 7, 8], width: 300, height: 200,
                                  channels: 3, bitDepth: 8, latentChannels: 192, latentHeight: 13, latentWidth: 19,
                                  iccProfile: nil, stream: [0, 9, 8, 7])
        let bytes = file.serialized()
        XCTAssertEqual(try LatentCodeFile(parsing: bytes, source: "f.lat"), file)
        XCTAssertTrue(LatentCodeFile.matches(bytes))
        func message(_ b: [UInt8]) -> String {
            do { _ = try LatentCodeFile(parsing: b, source: "f.lat"); return "" } catch { return "\(error)" }
        }
        XCTAssertTrue(message(Array("hello, world".utf8)).contains("not a latent code file"))
        var future = bytes
        future[8] = 2
        XCTAssertTrue(message(future).contains("version 2 is not supported"), message(future))
        XCTAssertTrue(message(Array(bytes.dropLast(3))).contains("truncated"))
        var flipped = bytes
        flipped[bytes.count - 6] ^= 0x10
        XCTAssertTrue(message(flipped).contains("checksum"), message(flipped))
        XCTAssertTrue(message(bytes + [0]).contains("after the end"))
    }

    /// Every truncation and a few hundred random mutations of a real file give a clear error —
    /// never a crash, never an image. Mutants with a repaired checksum reach the range decoder.
    func testDamagedFilesGiveClearErrors() throws {
        let codec = try Self.codec()
        let bytes = try codec.encode(Self.image(width: 40, height: 24))
        for length in 0..<bytes.count {
            XCTAssertThrowsError(try codec.decode(Array(bytes.prefix(length)), source: "t.lat"), "length \(length)") { error in
                XCTAssertTrue(error is LatentCodeError, "\(error)")
            }
        }
        var rng = RandomSource(seed: 21)
        var repairedDecoded = 0
        for trial in 0..<400 {
            var mutant = bytes
            for _ in 0..<(1 + rng.index(below: 3)) { mutant[rng.index(below: mutant.count)] ^= UInt8(1 + rng.index(below: 255)) }
            if mutant == bytes { continue }
            XCTAssertThrowsError(try codec.decode(mutant, source: "m.lat"), "mutant \(trial)") { error in
                XCTAssertTrue(error is LatentCodeError, "\(error)")
            }
            // The same damage inside the stream, with a valid checksum: decodes or throws, no trap.
            var body = Array(bytes.dropLast(4))
            let streamStart = body.count - (try LatentCodeFile(parsing: bytes, source: "").stream.count)
            let position = streamStart + rng.index(below: body.count - streamStart)
            body[position] ^= UInt8(1 + rng.index(below: 255))
            withUnsafeBytes(of: CRC32.checksum(body).littleEndian) { body += $0 }
            do {
                let image = try codec.decode(body, source: "r.lat")
                XCTAssertEqual([image.width, image.height], [40, 24])
                repairedDecoded += 1
            } catch {
                XCTAssertTrue(error is LatentCodeError, "\(error)")
            }
        }
        _ = repairedDecoded
    }

    func testCRCAndSHA256KnownValues() {
        XCTAssertEqual(CRC32.checksum(Array("123456789".utf8)), 0xCBF4_3926)
        XCTAssertEqual(LatentCodeFile.hex(SHA256.hash(Array("abc".utf8))),
                       "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(LatentCodeFile.hex(SHA256.hash([UInt8]())),
                       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        let long = [UInt8](repeating: 0x61, count: 1_000_000)
        XCTAssertEqual(LatentCodeFile.hex(SHA256.hash(long)),
                       "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }
}
