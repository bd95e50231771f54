import Foundation
import LatentImage

/// One file a batch run looks at, with where its output goes relative to the output folder.
public struct BatchInput: Sendable, Equatable {
    /// The path as found (argument, or argument folder joined with the relative path).
    public var path: String
    /// The path below the folder argument it came from; just the file name for file arguments.
    /// Outputs mirror it under `-o DIR`.
    public var relativePath: String
    /// The format recognised from the first bytes; nil for files that are not PNG or JPEG
    /// (they are reported as skipped, never processed).
    public var format: ImageFormat?

    public init(path: String, relativePath: String, format: ImageFormat?) {
        self.path = path
        self.relativePath = relativePath
        self.format = format
    }
}

/// Collects the inputs of a batch run from file and folder arguments.
///
/// Order is stable: arguments in the order given, each folder's files sorted by relative path
/// (byte order), duplicates (the same file reached twice) kept once. Every run and every shard
/// therefore sees the same list. Hidden files and folders (names starting with ".") are never
/// inputs, which also keeps our own temporary files (`.latent-tmp-*`) out.
public enum BatchInputs {
    /// - Parameters:
    ///   - excluding: a folder never descended into (the output folder, so that a rerun does not
    ///     take the previous run's outputs as inputs).
    public static func collect(_ arguments: [String], recursive: Bool, excluding: String? = nil) throws -> [BatchInput] {
        let excluded = excluding.map(canonicalPath)
        var result: [BatchInput] = []
        var seen = Set<String>()
        func add(_ input: BatchInput) {
            if seen.insert(canonicalPath(input.path)).inserted { result.append(input) }
        }
        for argument in arguments {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory) else {
                throw TaskError.missingInput(argument)
            }
            if isDirectory.boolValue {
                var found: [BatchInput] = []
                try walk(folder: argument, relative: "", recursive: recursive, excluded: excluded, into: &found)
                found.sort { $0.relativePath.utf8.lexicographicallyPrecedes($1.relativePath.utf8) }
                found.forEach(add)
            } else {
                add(BatchInput(path: argument, relativePath: (argument as NSString).lastPathComponent,
                               format: ImageFiles.sniff(argument)))
            }
        }
        return result
    }

    private static func walk(folder: String, relative: String, recursive: Bool, excluded: String?,
                             into found: inout [BatchInput]) throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder)
        for name in names where !name.hasPrefix(".") {
            let path = (folder as NSString).appendingPathComponent(name)
            let relativePath = relative.isEmpty ? name : relative + "/" + name
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                if recursive, canonicalPath(path) != excluded {
                    try walk(folder: path, relative: relativePath, recursive: true, excluded: excluded, into: &found)
                }
            } else {
                found.append(BatchInput(path: path, relativePath: relativePath, format: ImageFiles.sniff(path)))
            }
        }
    }

    /// Absolute, symlinks resolved, no trailing slash: for comparing paths.
    public static func canonicalPath(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return URL(fileURLWithPath: absolute).standardizedFileURL.resolvingSymlinksInPath().path
    }
}
