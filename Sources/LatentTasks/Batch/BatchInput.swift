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
    /// (they are reported as skipped, never processed, by tasks that read images).
    public var format: ImageFormat?
    /// Whether the first bytes are those of the task's own format (`BatchInputKind.file`).
    public var isTaskFile: Bool

    public init(path: String, relativePath: String, format: ImageFormat?, isTaskFile: Bool = false) {
        self.path = path
        self.relativePath = relativePath
        self.format = format
        self.isTaskFile = isTaskFile
    }

    /// Whether a task reading `kind` takes this file.
    public func isInput(for kind: BatchInputKind) -> Bool {
        switch kind {
        case .image: return format != nil
        case .file: return isTaskFile
        }
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
    /// - Parameter taskFormat: also recognise this format (for tasks that read their own files).
    public static func collect(_ arguments: [String], recursive: Bool, excluding: String? = nil,
                               taskFormat: BatchFileFormat? = nil) throws -> [BatchInput] {
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
                try walk(folder: argument, relative: "", recursive: recursive, excluded: excluded, taskFormat: taskFormat, into: &found)
                found.sort { $0.relativePath.utf8.lexicographicallyPrecedes($1.relativePath.utf8) }
                found.forEach(add)
            } else {
                add(input(path: argument, relativePath: (argument as NSString).lastPathComponent, taskFormat: taskFormat))
            }
        }
        return result
    }

    /// The input at `path`, its format sniffed from the first bytes.
    private static func input(path: String, relativePath: String, taskFormat: BatchFileFormat?) -> BatchInput {
        guard let taskFormat else { return BatchInput(path: path, relativePath: relativePath, format: ImageFiles.sniff(path)) }
        let head = ImageFiles.head(path, count: 16)
        return BatchInput(path: path, relativePath: relativePath, format: ImageFormat.sniff(head),
                          isTaskFile: taskFormat.recognises(head))
    }

    private static func walk(folder: String, relative: String, recursive: Bool, excluded: String?,
                             taskFormat: BatchFileFormat?, into found: inout [BatchInput]) throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder)
        for name in names where !name.hasPrefix(".") {
            let path = (folder as NSString).appendingPathComponent(name)
            let relativePath = relative.isEmpty ? name : relative + "/" + name
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                if recursive, canonicalPath(path) != excluded {
                    try walk(folder: path, relative: relativePath, recursive: true, excluded: excluded, taskFormat: taskFormat, into: &found)
                }
            } else {
                found.append(input(path: path, relativePath: relativePath, taskFormat: taskFormat))
            }
        }
    }

    /// Absolute, symlinks resolved, no trailing slash: for comparing paths.
    public static func canonicalPath(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return URL(fileURLWithPath: absolute).standardizedFileURL.resolvingSymlinksInPath().path
    }
}
