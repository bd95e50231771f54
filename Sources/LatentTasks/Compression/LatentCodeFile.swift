import Foundation
import LatentImage

/// A `.lat` file: one image coded by a learned codec. Little-endian throughout:
///
/// | bytes | field |
/// |---|---|
/// | 8 | signature `89 4C 41 54 0D 0A 1A 0A` ("\x89LAT\r\n\x1a\n": binary, catches text-mode transfers) |
/// | 1 | version (1) |
/// | 1 | flags (0; other values are refused) |
/// | 1 + n | model id: length n (1–255), then UTF-8 (e.g. `compress-q3`) |
/// | 8 | model hash: the first 8 bytes of SHA-256 over the model's tensors (`LatentCodec.modelHash`) |
/// | 4 + 4 | image width, height |
/// | 1 + 1 | colour channels of the original (1 gray, 3 RGB), bits per sample (8 or 16) |
/// | 2 + 4 + 4 | latent channels, height, width |
/// | 4 + k | ICC profile: length k (0: none), then the profile |
/// | 4 + s | coded stream: length s, then the range coder's bytes |
/// | 4 | CRC-32 of every byte before it |
///
/// The image is padded to the model's total stride inside the codec and cropped back on
/// decoding, so any size can be coded. See docs/compression.md.
public struct LatentCodeFile: Equatable, Sendable {
    public static let signature: [UInt8] = [0x89, 0x4C, 0x41, 0x54, 0x0D, 0x0A, 0x1A, 0x0A]
    public static let version: UInt8 = 1
    public static let fileExtension = "lat"

    public var modelID: String
    public var modelHash: [UInt8]
    public var width: Int
    public var height: Int
    public var channels: Int
    public var bitDepth: Int
    public var latentChannels: Int
    public var latentHeight: Int
    public var latentWidth: Int
    public var iccProfile: [UInt8]?
    public var stream: [UInt8]

    public init(modelID: String, modelHash: [UInt8], width: Int, height: Int, channels: Int, bitDepth: Int,
                latentChannels: Int, latentHeight: Int, latentWidth: Int, iccProfile: [UInt8]?, stream: [UInt8]) {
        self.modelID = modelID
        self.modelHash = modelHash
        self.width = width
        self.height = height
        self.channels = channels
        self.bitDepth = bitDepth
        self.latentChannels = latentChannels
        self.latentHeight = latentHeight
        self.latentWidth = latentWidth
        self.iccProfile = iccProfile
        self.stream = stream
    }

    /// Whether `head` (a file's first bytes) starts with the signature.
    public static func matches<C: Collection>(_ head: C) -> Bool where C.Element == UInt8 {
        head.count >= signature.count && zip(head, signature).allSatisfy { $0 == $1 }
    }

    /// The hash as lower-case hex, as messages show it.
    public var modelHashHex: String { Self.hex(modelHash) }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    // MARK: - Writing

    public func serialized() -> [UInt8] {
        precondition(modelHash.count == 8 && !modelID.isEmpty && modelID.utf8.count <= 255, "invalid .lat header fields")
        var out = Self.signature
        out.append(Self.version)
        out.append(0)
        out.append(UInt8(modelID.utf8.count))
        out += Array(modelID.utf8)
        out += modelHash
        Self.append(UInt32(width), to: &out)
        Self.append(UInt32(height), to: &out)
        out.append(UInt8(channels))
        out.append(UInt8(bitDepth))
        Self.append(UInt16(latentChannels), to: &out)
        Self.append(UInt32(latentHeight), to: &out)
        Self.append(UInt32(latentWidth), to: &out)
        let icc = iccProfile ?? []
        Self.append(UInt32(icc.count), to: &out)
        out += icc
        Self.append(UInt32(stream.count), to: &out)
        out += stream
        Self.append(CRC32.checksum(out), to: &out)
        return out
    }

    private static func append<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
    }

    // MARK: - Reading

    /// Parses and checks a whole file: signature, version, every length against the file size,
    /// the checksum, then the fields' values (sizes within `limits`, latent shape consistent).
    /// Throws `LatentCodeError` naming `source` and the problem; never traps on any input.
    public init(parsing bytes: [UInt8], source: String, limits: ImageLimits = .default) throws {
        func fail(_ reason: String) -> LatentCodeError { LatentCodeError(path: source, reason: reason) }
        guard Self.matches(bytes) else {
            throw fail(bytes.count < Self.signature.count && Self.signature.starts(with: bytes)
                       ? "truncated: \(bytes.count) bytes, shorter than the signature"
                       : "not a latent code file (no .lat signature)")
        }
        var reader = ByteReader(bytes: bytes, position: Self.signature.count)
        func truncated() -> LatentCodeError {
            fail("truncated: the file ends at byte \(bytes.count) inside its header or stream")
        }
        guard let version = reader.u8() else { throw truncated() }
        guard version == Self.version else {
            throw fail("version \(version) is not supported (this build reads version \(Self.version))")
        }
        guard let flags = reader.u8() else { throw truncated() }
        guard flags == 0 else { throw fail("unknown flags \(flags) (written by a newer version?)") }
        guard let idLength = reader.u8(), let idBytes = reader.bytes(Int(idLength)), let hash = reader.bytes(8),
              let width = reader.u32(), let height = reader.u32(), let channels = reader.u8(), let depth = reader.u8(),
              let latentChannels = reader.u16(), let latentHeight = reader.u32(), let latentWidth = reader.u32(),
              let iccLength = reader.u32(), let icc = reader.bytes(Int(iccLength)),
              let streamLength = reader.u32(), let stream = reader.bytes(Int(streamLength)),
              let storedCRC = reader.u32() else { throw truncated() }
        guard reader.position == bytes.count else {
            throw fail("corrupt: \(bytes.count - reader.position) bytes after the end of the code")
        }
        let crc = CRC32.checksum(bytes[0..<(bytes.count - 4)])
        guard crc == storedCRC else { throw fail("corrupt: checksum mismatch (the file was damaged or truncated)") }
        guard idLength > 0, let id = String(bytes: idBytes, encoding: .utf8) else { throw fail("corrupt: invalid model id") }
        guard channels == 1 || channels == 3 else { throw fail("corrupt: \(channels) colour channels") }
        guard depth == 8 || depth == 16 else { throw fail("corrupt: \(depth) bits per sample") }
        if let reason = limits.violation(width: Int(width), height: Int(height)) { throw fail("image \(reason)") }
        guard latentChannels > 0, latentHeight > 0, latentWidth > 0,
              Int(latentHeight) <= Int(height), Int(latentWidth) <= Int(width) else {
            throw fail("corrupt: latent \(latentChannels)×\(latentHeight)×\(latentWidth) for a \(width)×\(height) image")
        }
        modelID = id
        modelHash = hash
        self.width = Int(width)
        self.height = Int(height)
        self.channels = Int(channels)
        bitDepth = Int(depth)
        self.latentChannels = Int(latentChannels)
        self.latentHeight = Int(latentHeight)
        self.latentWidth = Int(latentWidth)
        iccProfile = icc.isEmpty ? nil : icc
        self.stream = stream
    }

    /// Reads and parses the file at `path`.
    public init(contentsOf path: String, limits: ImageLimits = .default) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LatentCodeError(path: path, reason: "cannot read the file")
        }
        try self.init(parsing: [UInt8](data), source: path, limits: limits)
    }
}

/// Sequential little-endian reads that return nil instead of running past the end.
private struct ByteReader {
    let bytes: [UInt8]
    var position: Int

    mutating func bytes(_ count: Int) -> [UInt8]? {
        guard count >= 0, count <= bytes.count - position else { return nil }
        defer { position += count }
        return Array(bytes[position..<position + count])
    }

    mutating func integer<T: FixedWidthInteger & UnsignedInteger>(_: T.Type) -> T? {
        guard let raw = bytes(MemoryLayout<T>.size) else { return nil }
        return raw.enumerated().reduce(T(0)) { $0 | (T($1.element) << T(8 * $1.offset)) }
    }

    mutating func u8() -> UInt8? { integer(UInt8.self) }
    mutating func u16() -> UInt16? { integer(UInt16.self) }
    mutating func u32() -> UInt32? { integer(UInt32.self) }
}

/// A `.lat` file that cannot be decoded: the file and the reason.
public struct LatentCodeError: Error, CustomStringConvertible, Equatable {
    public var path: String
    public var reason: String
    public var description: String { "\(path): \(reason)" }
}
