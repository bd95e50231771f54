// Parsing and validating a safetensors file. The layout is: 8-byte little-endian header length
// N, N bytes of UTF-8 JSON header, then the data section. Every field is checked before any
// byte is read, so a malformed or hostile file throws `SafeTensorsError` and never reads out of
// bounds. The rules follow the reference implementation: offsets must pack the data section
// contiguously (no overlap, no gap, nothing trailing).

import Foundation

extension SafeTensorsFile {
    /// Reads and validates a file. Errors name the file by its last path component.
    public init(contentsOf url: URL) throws {
        let name = url.lastPathComponent
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            throw SafeTensorsError(source: name, problem: .readFailed(detail: error.localizedDescription))
        }
        try self.init(data: data, sourceName: name)
    }

    public init(path: String) throws {
        try self.init(contentsOf: URL(fileURLWithPath: path))
    }

    /// Parses and validates serialized bytes; `sourceName` appears in error messages.
    public init(data: Data, sourceName: String = "<memory>") throws {
        func fail(_ problem: SafeTensorsError.Problem, tensor: String? = nil) -> SafeTensorsError {
            SafeTensorsError(source: sourceName, tensor: tensor, problem: problem)
        }
        let bytes = [UInt8](data)
        guard bytes.count >= 8 else { throw fail(.shorterThanLengthPrefix(fileSize: bytes.count)) }
        var headerLength: UInt64 = 0
        for index in 0..<8 { headerLength |= UInt64(bytes[index]) << (8 * UInt64(index)) }
        guard headerLength <= UInt64(Self.headerLengthLimit) else {
            throw fail(.headerTooLarge(length: headerLength, limit: Self.headerLengthLimit))
        }
        guard headerLength <= UInt64(bytes.count - 8) else {
            throw fail(.headerLongerThanFile(length: headerLength, fileSize: bytes.count))
        }
        let dataStart = 8 + Int(headerLength)
        let dataSize = bytes.count - dataStart
        let headerBytes = bytes[8..<dataStart]

        guard String(validating: headerBytes, as: UTF8.self) != nil else { throw fail(.headerNotUTF8) }
        // The reference implementation requires the header to open with "{"; checking here also
        // keeps the JSON decoder away from top-level scalars.
        guard headerBytes.first == UInt8(ascii: "{") else {
            throw fail(.headerNotJSONObject(detail: "does not start with \"{\""))
        }
        let root: SafeTensorsHeaderJSON
        do {
            root = try JSONDecoder().decode(SafeTensorsHeaderJSON.self, from: Data(headerBytes))
        } catch {
            throw fail(.headerNotJSONObject(detail: "malformed JSON"))
        }
        guard case .object(let entries) = root else { throw fail(.headerNotJSONObject(detail: "top level is \(root.brief)")) }

        var metadata: [String: String] = [:]
        if let metadataValue = entries[Self.metadataKey] {
            guard case .object(let members) = metadataValue else {
                throw fail(.invalidMetadata(detail: "found \(metadataValue.brief)"))
            }
            for (key, value) in members {
                guard case .string(let text) = value else {
                    throw fail(.invalidMetadata(detail: "key \"\(key)\" holds \(value.brief)"))
                }
                metadata[key] = text
            }
        }

        // Validate every entry, then check that the offsets tile the data section.
        struct Layout { var name: String; var dtype: StoredTensor.DType; var shape: [Int]; var begin: Int; var end: Int }
        var layouts: [Layout] = []
        layouts.reserveCapacity(entries.count)
        for (name, value) in entries where name != Self.metadataKey {
            let entry = try Self.parseEntry(value, fail: { fail($0, tensor: name) })
            layouts.append(Layout(name: name, dtype: entry.dtype, shape: entry.shape, begin: entry.begin, end: entry.end))
        }
        for layout in layouts {
            guard layout.end <= dataSize else {
                throw fail(.offsetsOutsideData(begin: layout.begin, end: layout.end, dataSize: dataSize), tensor: layout.name)
            }
        }
        layouts.sort { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
        var expectedBegin = 0
        for layout in layouts {
            guard layout.begin == expectedBegin else {
                throw fail(.offsetsNotContiguous(begin: layout.begin, expectedBegin: expectedBegin), tensor: layout.name)
            }
            expectedBegin = layout.end
        }
        guard expectedBegin == dataSize else { throw fail(.trailingBytes(dataEnd: expectedBegin, dataSize: dataSize)) }

        var tensors: [String: StoredTensor] = [:]
        tensors.reserveCapacity(layouts.count)
        for layout in layouts {
            let slice = Array(bytes[(dataStart + layout.begin)..<(dataStart + layout.end)])
            tensors[layout.name] = try StoredTensor(dtype: layout.dtype, shape: layout.shape, bytes: slice)
        }
        self.init(tensors: tensors, metadata: metadata, sourceName: sourceName)
    }

    private struct Entry { var dtype: StoredTensor.DType; var shape: [Int]; var begin: Int; var end: Int }

    /// Checks one `{"dtype": …, "shape": […], "data_offsets": [begin, end]}` entry on its own.
    private static func parseEntry(_ value: SafeTensorsHeaderJSON,
                                   fail: (SafeTensorsError.Problem) -> SafeTensorsError) throws -> Entry {
        guard case .object(let fields) = value else { throw fail(.invalidEntry(detail: "entry is \(value.brief), not an object")) }
        let allowed: Set<String> = ["dtype", "shape", "data_offsets"]
        if let unknown = fields.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw fail(.invalidEntry(detail: "unknown field \"\(unknown)\""))
        }
        guard case .string(let dtypeName)? = fields["dtype"] else {
            throw fail(.invalidEntry(detail: "\"dtype\" is \(fields["dtype"]?.brief ?? "missing"), not a string"))
        }
        guard let dtype = StoredTensor.DType(rawValue: dtypeName) else { throw fail(.unknownDType(dtypeName)) }
        let shape = try integers(fields["shape"], field: "shape", fail: fail)
        let offsets = try integers(fields["data_offsets"], field: "data_offsets", fail: fail)
        guard offsets.count == 2 else {
            throw fail(.invalidEntry(detail: "\"data_offsets\" has \(offsets.count) values, expected [begin, end]"))
        }
        let (begin, end) = (offsets[0], offsets[1])
        guard begin >= 0, end >= begin else {
            throw fail(.invalidEntry(detail: "data_offsets [\(begin), \(end)] are negative or decreasing"))
        }
        guard let expected = StoredTensor.byteCount(shape: shape, dtype: dtype) else { throw fail(.invalidShape(shape)) }
        guard end - begin == expected else {
            throw fail(.offsetsDoNotMatchShape(begin: begin, end: end, shape: shape, dtype: dtype, expectedBytes: expected))
        }
        return Entry(dtype: dtype, shape: shape, begin: begin, end: end)
    }

    private static func integers(_ value: SafeTensorsHeaderJSON?, field: String,
                                 fail: (SafeTensorsError.Problem) -> SafeTensorsError) throws -> [Int] {
        guard case .array(let elements)? = value else {
            throw fail(.invalidEntry(detail: "\"\(field)\" is \(value?.brief ?? "missing"), not an array"))
        }
        return try elements.map { element in
            guard case .integer(let number) = element else {
                throw fail(.invalidEntry(detail: "\"\(field)\" holds \(element.brief), not an integer"))
            }
            return number
        }
    }
}
