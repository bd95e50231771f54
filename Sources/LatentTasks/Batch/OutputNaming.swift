import Foundation
import LatentImage

/// Where a batch output goes: `folder/<relative folder>/<stem><suffix>.<extension>`.
///
/// The relative folder mirrors the input's place below the folder argument it came from (none
/// for file arguments); the stem is kept; the extension follows the output format — the
/// input's own spelling when it already names that format (".JPG" stays ".JPG"), ".png" or
/// ".jpg" otherwise.
public struct OutputNaming: Sendable, Equatable {
    public var folder: String
    /// Added to the stem, e.g. "_denoised". Required when writing into an input folder.
    public var suffix: String
    public var format: OutputFormatChoice

    public init(folder: String, suffix: String = "", format: OutputFormatChoice = .same) {
        self.folder = folder
        self.suffix = suffix
        self.format = format
    }

    /// Output path and format of an image output, with a note when the format had to change.
    public func target(for input: BatchInput, sourceFormat: ImageFormat, hasAlpha: Bool) -> OutputTarget {
        let (format, note) = self.format.format(source: sourceFormat, hasAlpha: hasAlpha)
        let name = (input.relativePath as NSString).lastPathComponent
        let inputExtension = Self.fileExtension(of: name)
        let keeps = inputExtension.map { ImageFormat(fileExtensionOf: "x." + $0) == format } ?? false
        let fileExtension = keeps ? inputExtension! : (format == .png ? "png" : "jpg")
        return OutputTarget(path: path(for: input, fileExtension: fileExtension), format: format, note: note)
    }

    /// Output path of a bytes output (the client's own extension).
    public func target(for input: BatchInput, fileExtension: String) -> OutputTarget {
        OutputTarget(path: path(for: input, fileExtension: fileExtension), format: nil, note: nil)
    }

    func path(for input: BatchInput, fileExtension: String) -> String {
        let relativeFolder = (input.relativePath as NSString).deletingLastPathComponent
        let name = (input.relativePath as NSString).lastPathComponent
        let stem = Self.fileExtension(of: name).map { String(name.dropLast($0.count + 1)) } ?? name
        let folderPath = relativeFolder.isEmpty ? folder : (folder as NSString).appendingPathComponent(relativeFolder)
        return (folderPath as NSString).appendingPathComponent(stem + suffix + "." + fileExtension)
    }

    /// The text after the last dot, unless the name has none or starts with its only dot.
    static func fileExtension(of name: String) -> String? {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return nil }
        let ext = name[name.index(after: dot)...]
        return ext.isEmpty ? nil : String(ext)
    }

    /// Refuses writing into a folder the inputs come from without a suffix: outputs would
    /// replace or sit indistinguishably beside their inputs.
    public func validate(inputArguments: [String]) throws {
        guard suffix.isEmpty else { return }
        let out = BatchInputs.canonicalPath(folder)
        for argument in inputArguments {
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory)
            let inputFolder = exists && isDirectory.boolValue ? argument : (argument as NSString).deletingLastPathComponent
            if BatchInputs.canonicalPath(inputFolder.isEmpty ? "." : inputFolder) == out {
                throw TaskError.invalidOption("the output folder \(folder) holds inputs (\(argument)): writing there needs --suffix, e.g. --suffix _denoised")
            }
        }
    }
}

/// A planned output file.
public struct OutputTarget: Sendable, Equatable {
    public var path: String
    /// nil for bytes outputs.
    public var format: ImageFormat?
    /// Why the format differs from the one asked for, if it does.
    public var note: String?
}
