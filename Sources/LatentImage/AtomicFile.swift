import Foundation
#if canImport(Glibc)
import Glibc
private let posixWrite = Glibc.write
#elseif canImport(Darwin)
import Darwin
private let posixWrite = Darwin.write
#endif

/// Something that keeps track of the temporary files `AtomicFile` creates (e.g. so that an
/// interrupt handler can remove them). `AtomicFile` creates, renames and removes each temporary
/// file inside `withLock`, so the registry never misses a file that exists.
public protocol TemporaryFileRegistry: AnyObject {
    func withLock<T>(_ body: () throws -> T) rethrows -> T
    /// Called under the lock once `path` exists.
    func created(_ path: String)
    /// Called under the lock once `path` is gone (renamed into place or removed).
    func ended(_ path: String)
}

/// Writes files so that readers never see a half-written file: the bytes go to a temporary file
/// in the same folder (same file system, so rename is atomic), are flushed, then renamed over the
/// destination. On failure the temporary file is removed and the destination is untouched.
public enum AtomicFile {
    /// - Parameters:
    ///   - temporaryPrefix: the temporary file's name before mkstemp's random suffix; by default
    ///     `.<name>.tmp-` (hidden, next to the destination).
    ///   - registry: told about the temporary file while it exists.
    public static func write(_ bytes: [UInt8], toPath path: String, temporaryPrefix: String? = nil,
                             registry: TemporaryFileRegistry? = nil) throws {
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        var template = Array("\(folder.isEmpty ? "/" : folder)/\(temporaryPrefix ?? ".\(name).tmp-")XXXXXX".utf8CString)
        func locked<T>(_ body: () throws -> T) rethrows -> T {
            guard let registry else { return try body() }
            return try registry.withLock(body)
        }
        let descriptor: Int32 = locked {
            let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            if descriptor >= 0 { registry?.created(String(cString: template)) }
            return descriptor
        }
        guard descriptor >= 0 else { throw ImageError.io(path: path, reason: "cannot create a temporary file: \(errnoText())") }
        let temporary = String(cString: template)
        var renamed = false
        defer {
            locked {
                if !renamed { unlink(temporary) }
                registry?.ended(temporary)
            }
        }
        // mkstemp creates mode 0600; give the file the usual permissions (0666 minus umask).
        let mask = umask(0)
        umask(mask)
        fchmod(descriptor, 0o666 & ~mask)
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { posixWrite(descriptor, $0.baseAddress! + written, bytes.count - written) }
            if result < 0 {
                if errno == EINTR { continue }
                let reason = errnoText()
                close(descriptor)
                throw ImageError.io(path: path, reason: "cannot write: \(reason)")
            }
            written += result
        }
        if fsync(descriptor) != 0 || close(descriptor) != 0 {
            throw ImageError.io(path: path, reason: "cannot write: \(errnoText())")
        }
        let failure: String? = locked {
            renamed = rename(temporary, path) == 0
            return renamed ? nil : errnoText()
        }
        if let failure { throw ImageError.io(path: path, reason: "cannot rename into place: \(failure)") }
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }
}
