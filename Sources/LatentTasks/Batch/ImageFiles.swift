import Foundation
import LatentImage

/// Finding image files: by content (PNG/JPEG magic bytes), never by extension.
public enum ImageFiles {
    /// Reads the first bytes of `path` and names its format, or nil if it is not an image we read.
    public static func sniff(_ path: String) -> ImageFormat? {
        ImageFormat.sniff(head(path, count: 8))
    }

    /// Up to `count` first bytes of the file (none when it cannot be read).
    static func head(_ path: String, count: Int) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: count)).map { Array($0) } ?? []
    }

    /// The image files in `folder` (and below it when `recursive`), sorted by path so that
    /// every run and every shard sees the same order. Hidden files and folders are skipped.
    public static func list(_ folder: String, recursive: Bool) throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) else {
            throw TaskError.missingInput(folder)
        }
        guard isDirectory.boolValue else { return sniff(folder) != nil ? [folder] : [] }
        var result: [String] = []
        let entries = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        for name in entries where !name.hasPrefix(".") {
            let path = (folder as NSString).appendingPathComponent(name)
            var childIsDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: path, isDirectory: &childIsDirectory)
            if childIsDirectory.boolValue {
                if recursive { result += try list(path, recursive: true) }
            } else if sniff(path) != nil {
                result.append(path)
            }
        }
        return result.sorted()
    }
}
