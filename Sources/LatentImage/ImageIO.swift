import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading and writing files: format by magic bytes on read, by the caller's choice on write.
extension Image {
    /// Decodes PNG or JPEG bytes (format from the magic bytes).
    public static func decode(_ bytes: UnsafeRawBufferPointer, limits: ImageLimits = .default) throws -> Image {
        switch ImageFormat.sniff(bytes) {
        case .png: return try PNGCodec.decode(bytes, limits: limits)
        case .jpeg: return try JPEGCodec.decode(bytes, limits: limits)
        case nil: throw ImageError.unsupportedFormat(path: nil)
        }
    }

    public static func decode(_ bytes: [UInt8], limits: ImageLimits = .default) throws -> Image {
        try bytes.withUnsafeBytes { try decode($0, limits: limits) }
    }

    /// Reads and decodes the file at `path`; errors name the path.
    public init(contentsOf path: String, limits: ImageLimits = .default) throws {
        let bytes = try FileBytes.read(path)
        do {
            self = try Image.decode(bytes, limits: limits)
        } catch let error as ImageError {
            throw error.withPath(path)
        }
    }

    /// Encodes as `format`. PNG depth: `options.pngBitDepth`, or 16 when the source had 16 bits.
    public func encoded(as format: ImageFormat, options: ImageWriteOptions = ImageWriteOptions()) throws -> [UInt8] {
        switch format {
        case .png:
            return try PNGCodec.encode(self, bitDepth: options.pngBitDepth ?? (sourceBitDepth == 16 ? 16 : 8))
        case .jpeg:
            return try JPEGCodec.encode(self, options: options.jpeg)
        }
    }

    /// Writes atomically to `path`; the format comes from the extension unless given.
    public func write(to path: String, format: ImageFormat? = nil,
                      options: ImageWriteOptions = ImageWriteOptions()) throws {
        guard let format = format ?? ImageFormat(fileExtensionOf: path) else {
            throw ImageError.invalidArgument(path: path, reason: "cannot tell the output format from the extension (use .png, .jpg or .jpeg)")
        }
        do {
            try AtomicFile.write(try encoded(as: format, options: options), toPath: path)
        } catch let error as ImageError {
            throw error.path == nil ? error.withPath(path) : error
        }
    }
}

extension ImageHeader {
    /// Reads only as much of the file as the header needs (the first 256 KiB, or all of it when
    /// the metadata is larger).
    public init(contentsOf path: String, limits: ImageLimits = .default) throws {
        do {
            let (prefix, isWholeFile) = try FileBytes.readPrefix(path, count: 256 * 1024)
            do {
                self = try ImageHeader.parse(prefix, limits: limits)
            } catch ImageError.truncated where !isWholeFile {
                self = try ImageHeader.parse(try FileBytes.read(path), limits: limits)
            }
        } catch let error as ImageError {
            throw error.path == nil ? error.withPath(path) : error
        }
    }

    public static func parse(_ bytes: [UInt8], limits: ImageLimits = .default) throws -> ImageHeader {
        try bytes.withUnsafeBytes { raw in
            switch ImageFormat.sniff(raw) {
            case .png: return try PNGCodec.readHeader(raw, limits: limits)
            case .jpeg: return try JPEGCodec.readHeader(raw, limits: limits)
            case nil: throw ImageError.unsupportedFormat(path: nil)
            }
        }
    }
}

/// Options for writing; each format uses its own part.
public struct ImageWriteOptions: Sendable, Equatable {
    /// 8 or 16; nil keeps 16 for 16-bit sources and uses 8 otherwise.
    public var pngBitDepth: Int?
    public var jpeg: JPEGCodec.EncodingOptions

    public init(pngBitDepth: Int? = nil, jpeg: JPEGCodec.EncodingOptions = JPEGCodec.EncodingOptions()) {
        self.pngBitDepth = pngBitDepth
        self.jpeg = jpeg
    }
}

/// Whole-file and prefix reads with errors as `ImageError.io`.
enum FileBytes {
    static func read(_ path: String) throws -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ImageError.io(path: path, reason: FileManager.default.fileExists(atPath: path) ? "cannot open file" : "no such file")
        }
        defer { try? handle.close() }
        do {
            return [UInt8](try handle.readToEnd() ?? Data())
        } catch {
            throw ImageError.io(path: path, reason: "cannot read: \(error.localizedDescription)")
        }
    }

    /// Reads the whole file into `buffer` (grown when too small, never shrunk, so that reading
    /// many files in a row reuses its memory); returns the file's size.
    static func read(_ path: String, into buffer: inout [UInt8]) throws -> Int {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ImageError.io(path: path, reason: FileManager.default.fileExists(atPath: path) ? "cannot open file" : "no such file")
        }
        defer { try? handle.close() }
        let descriptor = handle.fileDescriptor
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
            // Not a regular file (a pipe, a device): no size to read into; read it whole.
            buffer = try read(path)
            return buffer.count
        }
        let size = Int(status.st_size)
        if buffer.count < size + 1 {
            buffer = []
            buffer = [UInt8](repeating: 0, count: size + 1)  // + 1: a file that grew shows up as more than `size`
        }
        var total = 0
        let failure: Int32? = buffer.withUnsafeMutableBytes { raw in
            while total < raw.count {
                let got = systemRead(descriptor, raw.baseAddress! + total, raw.count - total)
                if got == 0 { return nil }
                if got < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                total += got
            }
            return nil
        }
        if let failure {
            throw ImageError.io(path: path, reason: "cannot read: \(String(cString: strerror(failure)))")
        }
        if total > size {
            buffer = try read(path)  // it grew while being read: take all of it
            return buffer.count
        }
        return total
    }

    static func readPrefix(_ path: String, count: Int) throws -> (bytes: [UInt8], isWholeFile: Bool) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ImageError.io(path: path, reason: FileManager.default.fileExists(atPath: path) ? "cannot open file" : "no such file")
        }
        defer { try? handle.close() }
        do {
            let data = try handle.read(upToCount: count) ?? Data()
            let more = try handle.read(upToCount: 1) ?? Data()
            return ([UInt8](data), more.isEmpty)
        } catch {
            throw ImageError.io(path: path, reason: "cannot read: \(error.localizedDescription)")
        }
    }
}

/// read(2), named apart from `FileBytes.read`.
private func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}
