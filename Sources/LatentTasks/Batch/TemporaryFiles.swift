import Foundation

/// Atomic output files whose temporary names are recognisably ours, tracked so an interrupted
/// run can remove them.
///
/// Bytes go to `.latent-tmp-<pid>@<host>-XXXXXX` in the destination's folder (same file system,
/// so the rename is atomic), are flushed and renamed over the destination: a reader never sees
/// a partial output, and an existing output always is a complete one. The names are hidden
/// (never taken as inputs) and carry the writer's pid and host, so a later run can tell stale
/// files of a dead process (removed by `removeStale`) from those of a shard still running.
public enum TemporaryFiles {
    public static let prefix = ".latent-tmp-"

    private static let lock = NSLock()
    nonisolated(unsafe) private static var live = Set<String>()

    static let host: String = {
        var name = [CChar](repeating: 0, count: 256)
        gethostname(&name, name.count - 1)
        let text = String(cString: name).filter { $0.isLetter || $0.isNumber || $0 == "." || $0 == "_" }
        return text.isEmpty ? "localhost" : text
    }()

    /// The temporary-name prefix of this process.
    static var ownPrefix: String { "\(prefix)\(getpid())@\(host)-" }

    /// Temporary files being written right now.
    public static var liveCount: Int { lock.lock(); defer { lock.unlock() }; return live.count }

    /// Writes `bytes` to `path` atomically, creating the folder if needed.
    public static func write(_ bytes: [UInt8], toPath path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
                throw ImageError.io(path: path, reason: "cannot create the folder \(folder): \(error.localizedDescription)")
            }
        }
        try AtomicFile.write(bytes, toPath: path, temporaryPrefix: ownPrefix, registry: registry)
    }

    /// The live set, guarded by `lock`, as `AtomicFile` sees it.
    private final class Registry: TemporaryFileRegistry {
        func withLock<T>(_ body: () throws -> T) rethrows -> T {
            lock.lock()
            defer { lock.unlock() }
            return try body()
        }
        func created(_ path: String) { live.insert(path) }
        func ended(_ path: String) { live.remove(path) }
    }
    private static let registry = Registry()

    /// Removes this process's temporary files and keeps the lock, so no other thread can create
    /// or rename one before the process exits. Only for the interrupt handler.
    static func removeAllBeforeExit() -> Int {
        lock.lock()
        for path in live { unlink(path) }
        return live.count
    }

    /// Removes temporary files in `folder` left by processes of this host that no longer run
    /// (killed with SIGKILL, or a crash). Files of live processes and of other hosts (a shard on
    /// another machine sharing the folder) are left alone; they are hidden, so they never count
    /// as outputs. Returns the removed paths.
    @discardableResult
    public static func removeStale(in folder: String) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        var removed: [String] = []
        for name in names where name.hasPrefix(prefix) {
            let owner = name.dropFirst(prefix.count)
            guard let at = owner.firstIndex(of: "@"), let pid = Int32(owner[..<at]),
                  let dash = owner.lastIndex(of: "-"), dash > at, String(owner[owner.index(after: at)..<dash]) == host
            else { continue }
            if pid != getpid() && kill(pid, 0) != 0 && errno == ESRCH {
                let path = (folder as NSString).appendingPathComponent(name)
                if unlink(path) == 0 { removed.append(path) }
            }
        }
        return removed
    }

}
