import Foundation
import XCTest
import LatentTestSupport
@testable import LatentNN

final class SafeTensorsTests: XCTestCase {
    // MARK: - Helpers

    /// A file with several dtypes, a scalar, an empty tensor and non-ASCII metadata.
    private func sampleFile() throws -> SafeTensorsFile {
        var file = SafeTensorsFile()
        file.tensors["conv1.weight"] = try StoredTensor(floats: (0..<216).map { Float($0) * 0.25 - 3 }, shape: [8, 3, 3, 3])
        file.tensors["conv1.bias"] = try StoredTensor(floats: [1, -2, 3.5, .infinity, -0.0, 1e-30, 7, 8], shape: [8])
        file.tensors["bn.num_batches_tracked"] = try StoredTensor(int64s: [42], shape: [])
        file.tensors["empty"] = try StoredTensor(floats: [], shape: [0, 5])
        file.tensors["half"] = try StoredTensor(dtype: .f16, shape: [3], bytes: [0x00, 0x3C, 0x00, 0xC0, 0x01, 0x00])
        file.metadata = ["latent.format_version": "1", "note": "é \"quoted\" \n ☃"]
        return file
    }

    /// A header + data file from literal JSON, for crafting malformed inputs.
    private func rawFile(header: String, data: [UInt8]) -> Data {
        var bytes = [UInt8]()
        StoredTensor.appendLittleEndian(UInt64(header.utf8.count), to: &bytes)
        bytes += Array(header.utf8) + data
        return Data(bytes)
    }

    private func problem(reading data: Data, source: String = "<memory>") -> SafeTensorsError? {
        do {
            _ = try SafeTensorsFile(data: data, sourceName: source)
            return nil
        } catch let error as SafeTensorsError {
            return error
        } catch {
            XCTFail("untyped error \(error)")
            return nil
        }
    }

    // MARK: - Round trip and determinism

    func testRoundTripPreservesTensorsAndMetadata() throws {
        let file = try sampleFile()
        let read = try SafeTensorsFile(data: try file.serialized())
        XCTAssertEqual(read, file)
        XCTAssertEqual(try read.floats("conv1.weight"), (0..<216).map { Float($0) * 0.25 - 3 })
        XCTAssertEqual(try read.int64s("bn.num_batches_tracked"), [42])
        XCTAssertEqual(try read.tensor("empty").shape, [0, 5])
        XCTAssertEqual(read.metadata["note"], "é \"quoted\" \n ☃")
    }

    func testSerializationIsDeterministicSortedAndPadded() throws {
        let file = try sampleFile()
        var reordered = SafeTensorsFile(metadata: file.metadata)
        for name in file.tensors.keys.sorted().reversed() { reordered.tensors[name] = file.tensors[name] }
        let bytes = try file.serialized()
        XCTAssertEqual(bytes, try reordered.serialized())

        let headerLength = Int(bytes.prefix(8).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        XCTAssertEqual(headerLength % 8, 0)
        let header = String(decoding: bytes.dropFirst(8).prefix(headerLength), as: UTF8.self)
        XCTAssertTrue(header.hasPrefix("{\"__metadata__\":{\"latent.format_version\":\"1\",\"note\":\"\\u00e9 "), header)
        // Tensors are laid out in sorted key order: bn.num_batches_tracked first, at offset 0.
        XCTAssertTrue(header.contains("\"bn.num_batches_tracked\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[0,8]}"), header)
        XCTAssertTrue(header.hasSuffix("}") || header.hasSuffix(" "))
    }

    func testConversionsFromHalfBFloatAndDouble() throws {
        XCTAssertEqual(try StoredTensor(dtype: .f16, shape: [4], bytes: [0x00, 0x3C, 0x00, 0xC0, 0x01, 0x00, 0x00, 0x7C]).floats(),
                       [1, -2, Float(sign: .plus, exponent: -24, significand: 1), .infinity])
        XCTAssertEqual(try StoredTensor(dtype: .bf16, shape: [2], bytes: [0x80, 0x3F, 0x40, 0xC0]).floats(), [1, -3])
        var doubleBytes = [UInt8]()
        StoredTensor.appendLittleEndian((0.1 as Double).bitPattern, to: &doubleBytes)
        XCTAssertEqual(try StoredTensor(dtype: .f64, shape: [1], bytes: doubleBytes).floats(), [Float(0.1)])
        XCTAssertEqual(try StoredTensor(dtype: .i16, shape: [2], bytes: [0xFF, 0xFF, 0x02, 0x00]).int64s(), [-1, 2])
        XCTAssertThrowsError(try StoredTensor(dtype: .i32, shape: [1], bytes: [0, 0, 0, 0]).floats())
        XCTAssertThrowsError(try StoredTensor(dtype: .u64, shape: [1], bytes: [UInt8](repeating: 0xFF, count: 8)).int64s())
        XCTAssertThrowsError(try StoredTensor(dtype: .f32, shape: [2], bytes: [0, 0, 0, 0]))
    }

    func testAtomicWriteReplacesFileAndLeavesNoTemporary() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("latent-st-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("model.safetensors")
        try Data("old contents".utf8).write(to: url)

        let file = try sampleFile()
        try file.write(to: url)
        XCTAssertEqual(try SafeTensorsFile(contentsOf: url), file)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["model.safetensors"])

        let missing = folder.appendingPathComponent("no-such-folder/model.safetensors")
        XCTAssertThrowsError(try file.write(to: missing)) { XCTAssertTrue($0 is SafeTensorsError) }
        XCTAssertThrowsError(try SafeTensorsFile(contentsOf: missing)) { XCTAssertTrue($0 is SafeTensorsError) }
    }

    func testReservedMetadataNameCannotBeWrittenAsTensor() throws {
        let file = SafeTensorsFile(tensors: ["__metadata__": try StoredTensor(floats: [1], shape: [1])])
        XCTAssertThrowsError(try file.serialized())
    }

    // MARK: - Validation

    func testOffsetsNotMatchingShapeNameFileTensorAndSizes() {
        let data = rawFile(header: #"{"conv1.weight":{"dtype":"F32","shape":[8,3,3,3],"data_offsets":[0,400]}}"#,
                           data: [UInt8](repeating: 0, count: 400))
        let error = problem(reading: data, source: "model.safetensors")
        XCTAssertEqual(error?.description,
                       #"model.safetensors: tensor "conv1.weight": data_offsets [0, 400] do not match shape [8, 3, 3, 3] × F32 = 864 bytes"#)
    }

    func testEachMalformationIsRejectedWithItsOwnProblem() {
        let ok = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#
        let eight = [UInt8](repeating: 0, count: 8)
        XCTAssertNil(problem(reading: rawFile(header: ok, data: eight)))

        XCTAssertEqual(problem(reading: Data([1, 0, 0]))?.problem, .shorterThanLengthPrefix(fileSize: 3))
        var huge = [UInt8](repeating: 0xFF, count: 8); huge += Array("{}".utf8)
        XCTAssertEqual(problem(reading: Data(huge))?.problem, .headerTooLarge(length: UInt64.max, limit: 100_000_000))
        var long = [UInt8](); StoredTensor.appendLittleEndian(UInt64(50), to: &long); long += Array("{}".utf8)
        XCTAssertEqual(problem(reading: Data(long))?.problem, .headerLongerThanFile(length: 50, fileSize: 10))
        XCTAssertEqual(problem(reading: rawFile(header: "[1]", data: []))?.problem,
                       .headerNotJSONObject(detail: "does not start with \"{\""))
        XCTAssertEqual(problem(reading: rawFile(header: "{\"a\":", data: []))?.problem, .headerNotJSONObject(detail: "malformed JSON"))
        XCTAssertEqual(problem(reading: Data([2, 0, 0, 0, 0, 0, 0, 0, 0x7B, 0xFF]))?.problem, .headerNotUTF8)
        XCTAssertEqual(problem(reading: rawFile(header: #"{"__metadata__":{"k":1}}"#, data: []))?.problem,
                       .invalidMetadata(detail: "key \"k\" holds 1"))
        XCTAssertEqual(problem(reading: rawFile(header: #"{"a":{"dtype":"F33","shape":[2],"data_offsets":[0,8]}}"#, data: eight))?.problem,
                       .unknownDType("F33"))
        XCTAssertEqual(problem(reading: rawFile(header: #"{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}"#, data: eight))?.problem,
                       .invalidShape([-2]))
        let overflowing = #"{"a":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,8]}}"#
        XCTAssertEqual(problem(reading: rawFile(header: overflowing, data: eight))?.problem, .invalidShape([4_294_967_296, 4_294_967_296]))
        XCTAssertEqual(problem(reading: rawFile(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}"#, data: eight))?.problem,
                       .offsetsOutsideData(begin: 8, end: 16, dataSize: 8))
        let overlapping = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#
        XCTAssertEqual(problem(reading: rawFile(header: overlapping, data: eight))?.problem, .offsetsNotContiguous(begin: 4, expectedBegin: 8))
        XCTAssertEqual(problem(reading: rawFile(header: ok, data: eight + [0]))?.problem, .trailingBytes(dataEnd: 8, dataSize: 9))
        XCTAssertEqual(problem(reading: rawFile(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8],"x":1}}"#, data: eight))?.problem,
                       .invalidEntry(detail: "unknown field \"x\""))
        XCTAssertEqual(problem(reading: rawFile(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8.5]}}"#, data: eight))?.problem,
                       .invalidEntry(detail: "\"data_offsets\" holds 8.5, not an integer"))
        // JSON decoding keeps one of two duplicate names; the other's bytes are then unaccounted for.
        let duplicated = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"a":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}"#
        XCTAssertNotNil(problem(reading: rawFile(header: duplicated, data: eight + eight)))
    }

    // MARK: - Files written by the Python fixture script

    func testPythonWrittenFixtureReadsBackExactly() throws {
        let url = TorchFixtureLocation.folder.appendingPathComponent("reshape.safetensors")
        let file = try SafeTensorsFile(contentsOf: url)
        XCTAssertEqual(file.metadata["op"], "reshape")
        XCTAssertEqual(file.metadata["args"], #"{"shape":[6,20]}"#)
        XCTAssertEqual(try file.tensor("input.0").shape, [2, 3, 4, 5])
        XCTAssertEqual(try file.tensor("output").shape, [6, 20])
        // A reshape keeps the row-major values; its gradient is grad_output reshaped back.
        XCTAssertEqual(try file.floats("output"), try file.floats("input.0"))
        XCTAssertEqual(try file.floats("grad.input.0"), try file.floats("grad_output"))

        let relu = try SafeTensorsFile(contentsOf: TorchFixtureLocation.folder.appendingPathComponent("relu.safetensors"))
        XCTAssertEqual(try relu.floats("output"), try relu.floats("input.0").map { max($0, 0) })
        let model = try SafeTensorsFile(contentsOf: TorchFixtureLocation.folder.appendingPathComponent("model_mlp_bn.safetensors"))
        XCTAssertEqual(try model.int64s("param.after.bn1.num_batches_tracked"), [1])
    }

    /// The Swift writer and the Python writer agree byte for byte, so either can make fixtures.
    func testSwiftRewritesEveryPythonFixtureByteForByte() throws {
        let urls = try TorchFixtureLocation.fileURLs()
        XCTAssertFalse(urls.isEmpty, "no fixtures in \(TorchFixtureLocation.folder.path)")
        for url in urls {
            let original = try Data(contentsOf: url)
            XCTAssertEqual(try SafeTensorsFile(data: original).serialized(), original, url.lastPathComponent)
        }
    }

    // MARK: - Fuzzing

    /// Mutates valid files in seeded ways; every mutant must either read (with consistent tensors)
    /// or be rejected with a `SafeTensorsError`. A crash or out-of-bounds read fails the run.
    func testMutatedFilesAreReadOrRejectedNeverCrash() throws {
        let bases = [try sampleFile().serialized(),
                     try Data(contentsOf: TorchFixtureLocation.folder.appendingPathComponent("max_pool2d_k2_s2.safetensors"))]
        var generator = SeededGenerator(seed: 0x5AFE_7E45)
        var accepted = 0
        var rejected = 0
        let mutantCount = 3000
        for index in 0..<mutantCount {
            let base = [UInt8](bases[index % bases.count])
            let mutant = mutate(base, using: &generator)
            do {
                let file = try SafeTensorsFile(data: Data(mutant), sourceName: "mutant-\(index)")
                for (name, tensor) in file.tensors {
                    XCTAssertEqual(StoredTensor.byteCount(shape: tensor.shape, dtype: tensor.dtype), tensor.bytes.count, "mutant \(index) \(name)")
                }
                accepted += 1
            } catch let error as SafeTensorsError {
                XCTAssertFalse(error.description.isEmpty)
                rejected += 1
            } catch {
                XCTFail("mutant \(index): untyped error \(error)")
            }
        }
        XCTAssertEqual(accepted + rejected, mutantCount)
        // Most mutations break the file; some (a flipped data byte, a renamed key) keep it valid.
        XCTAssertGreaterThan(rejected, mutantCount / 2)
        XCTAssertGreaterThan(accepted, 0)
    }

    private func mutate(_ original: [UInt8], using generator: inout SeededGenerator) -> [UInt8] {
        var bytes = original
        let headerLength = Int(bytes.prefix(8).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        let headerRange = 8..<(8 + headerLength)
        switch Int.random(in: 0..<8, using: &generator) {
        case 0:  // truncation
            bytes.removeLast(Int.random(in: 1...bytes.count, using: &generator))
        case 1:  // byte flips in the header
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                bytes[Int.random(in: headerRange, using: &generator)] ^= UInt8.random(in: 1...255, using: &generator)
            }
        case 2:  // absurd or off-by-a-little header length
            let candidates: [UInt64] = [UInt64.max, UInt64(Int.max), 100_000_001, UInt64(headerLength + 1),
                                        UInt64(headerLength - 1), 0, UInt64(bytes.count), UInt64.random(in: 0...UInt64.max, using: &generator)]
            let value = candidates.randomElement(using: &generator)!
            for index in 0..<8 { bytes[index] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(index))) }
        case 3:  // replace one number in the header (offsets, shapes) with an absurd one
            let digits = headerRange.filter { (48...57).contains(bytes[$0]) }
            guard let start = digits.randomElement(using: &generator) else { break }
            var end = start
            while end < headerRange.upperBound, (48...57).contains(bytes[end]) { end += 1 }
            let replacements = ["-1", "0", "9223372036854775807", "9223372036854775808", "18446744073709551616",
                                "1e308", "3.5", "4294967296", String(Int.random(in: 0...100_000, using: &generator)), ""]
            bytes.replaceSubrange(start..<end, with: Array(replacements.randomElement(using: &generator)!.utf8))
            resetHeaderLength(&bytes, by: bytes.count - original.count, original: headerLength)
        case 4:  // replace a header byte with JSON punctuation
            let punctuation = Array("{}[]\",:\\ 0-e".utf8)
            bytes[Int.random(in: headerRange, using: &generator)] = punctuation.randomElement(using: &generator)!
        case 5:  // delete a stretch of the header, keeping the length prefix consistent
            let start = Int.random(in: headerRange, using: &generator)
            let end = min(headerRange.upperBound, start + Int.random(in: 1...16, using: &generator))
            bytes.removeSubrange(start..<end)
            resetHeaderLength(&bytes, by: -(end - start), original: headerLength)
        case 6:  // append or insert garbage in the data section
            let garbage = (0..<Int.random(in: 1...32, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            bytes.insert(contentsOf: garbage, at: Int.random(in: headerRange.upperBound...bytes.count, using: &generator))
        default:  // flip a data byte: the file stays structurally valid
            if bytes.count > headerRange.upperBound {
                bytes[Int.random(in: headerRange.upperBound..<bytes.count, using: &generator)] ^= 0xFF
            }
        }
        return bytes
    }

    private func resetHeaderLength(_ bytes: inout [UInt8], by delta: Int, original: Int) {
        let value = UInt64(max(0, original + delta))
        for index in 0..<8 { bytes[index] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(index))) }
    }
}
