// Serializing a safetensors file deterministically: the same contents always give the same bytes
// (header keys and data in sorted name order, compact JSON, `__metadata__` first, header padded
// with spaces to a multiple of 8 bytes as the reference implementation does). The fixture script
// Tests/Fixtures/torch/make_fixtures.py writes the identical layout.

import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension SafeTensorsFile {
    /// The file's bytes.
    public func serialized() throws -> Data {
        guard tensors[Self.metadataKey] == nil else {
            throw SafeTensorsError(source: sourceName, tensor: Self.metadataKey,
                                   problem: .invalidEntry(detail: "\"__metadata__\" is reserved and cannot name a tensor"))
        }
        let names = sortedTensorNames
        var members: [String] = []
        if !metadata.isEmpty {
            let keys = metadata.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            let pairs = keys.map { Self.jsonString($0) + ":" + Self.jsonString(metadata[$0]!) }
            members.append(Self.jsonString(Self.metadataKey) + ":{" + pairs.joined(separator: ",") + "}")
        }
        var offset = 0
        for name in names {
            let tensor = tensors[name]!
            let end = offset + tensor.bytes.count
            members.append(Self.jsonString(name) + ":{\"dtype\":\"\(tensor.dtype.rawValue)\",\"shape\":["
                + tensor.shape.map(String.init).joined(separator: ",") + "],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        var header = Array(("{" + members.joined(separator: ",") + "}").utf8)
        header.append(contentsOf: repeatElement(UInt8(ascii: " "), count: (8 - header.count % 8) % 8))
        guard header.count <= Self.headerLengthLimit else {
            throw SafeTensorsError(source: sourceName, problem: .headerTooLarge(length: UInt64(header.count), limit: Self.headerLengthLimit))
        }

        var output = [UInt8]()
        output.reserveCapacity(8 + header.count + offset)
        StoredTensor.appendLittleEndian(UInt64(header.count), to: &output)
        output.append(contentsOf: header)
        for name in names { output.append(contentsOf: tensors[name]!.bytes) }
        return Data(output)
    }

    /// Writes atomically: a temporary file in the destination folder, flushed, then renamed over
    /// the destination, so a crash never leaves a half-written model behind.
    public func write(to url: URL) throws {
        let destinationName = url.lastPathComponent
        func fail(_ detail: String) -> SafeTensorsError {
            SafeTensorsError(source: destinationName, problem: .writeFailed(detail: detail))
        }
        let bytes = try serialized()
        let folder = url.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(".\(destinationName).\(UUID().uuidString).tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
            throw fail("cannot create \(temporary.path)")
        }
        do {
            let handle = try FileHandle(forWritingTo: temporary)
            defer { try? handle.close() }
            try handle.write(contentsOf: bytes)
            try handle.synchronize()
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw fail(error.localizedDescription)
        }
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw fail("rename to \(url.path) failed: \(reason)")
        }
    }

    public func write(toPath path: String) throws {
        try write(to: URL(fileURLWithPath: path))
    }

    /// A JSON string literal escaped as Python's `json.dumps` (ensure_ascii) escapes it, so both
    /// writers produce the same header bytes.
    static func jsonString(_ text: String) -> String {
        var out = "\""
        for unit in text.utf16 {
            switch unit {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0x08: out += "\\b"
            case 0x0C: out += "\\f"
            case 0x20...0x7F: out.unicodeScalars.append(Unicode.Scalar(UInt8(unit)))
            default:
                let hex = String(unit, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            }
        }
        return out + "\""
    }
}
