#if canImport(Glibc)
import Glibc
private let posixWrite = Glibc.write
#elseif canImport(Darwin)
import Darwin
private let posixWrite = Darwin.write
#endif

/// Writes files so that readers never see a half-written file: the bytes go to a temporary file
/// in the same folder (same file system, so rename is atomic), are flushed, then renamed over the
/// destination. On failure the temporary file is removed and the destination is untouched.
public enum AtomicFile {
    public static func write(_ bytes: [UInt8], toPath path: String) throws {
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        var template = Array("\(folder.isEmpty ? "/" : folder)/.\(name).tmp-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw ImageError.io(path: path, reason: "cannot create a temporary file: \(errnoText())") }
        let temporary = String(cString: template)
        var succeeded = false
        defer {
            if !succeeded { unlink(temporary) }
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
        guard rename(temporary, path) == 0 else {
            throw ImageError.io(path: path, reason: "cannot rename into place: \(errnoText())")
        }
        succeeded = true
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }
}
