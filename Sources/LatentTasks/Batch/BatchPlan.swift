import Foundation
import LatentImage

/// The inputs of a run, each with its verdict before any pixel is read: process it, skip it
/// (not an image; the output of another input), or refuse it (its output would replace an
/// input or another input's output). Decided over the whole sorted list, then sharded, so every
/// shard judges every file the same way.
public struct BatchPlan {
    public enum Verdict: Equatable {
        case process
        case skip(String)
        case fail(String)
    }

    public struct Entry {
        public var input: BatchInput
        public var verdict: Verdict
    }

    /// This shard's entries, in order.
    public var entries: [Entry]
    /// Folders outputs may be written to (for removing stale temporary files).
    public var outputFolders: [String]
    /// Messages about the run as a whole.
    public var notes: [String] = []

    public init(configuration c: BatchConfiguration, outputKind: BatchOutputKind, inputKind: BatchInputKind = .image) throws {
        let outputFolder = BatchInputs.canonicalPath(c.naming.folder)
        let taskFormat: BatchFileFormat?
        if case .file(let format) = inputKind { taskFormat = format } else { taskFormat = nil }
        let inputs = try BatchInputs.collect(c.inputs, recursive: c.recursive, excluding: c.naming.folder, taskFormat: taskFormat)
        // Where each input would go, ignoring the alpha → PNG fallback (which needs the header).
        // Inputs of a task's own format are not images: their image outputs follow `--format`
        // as if they were PNG.
        func nominalOutput(_ input: BatchInput) -> String? {
            guard input.isInput(for: inputKind) else { return nil }
            switch outputKind {
            case .image: return c.naming.target(for: input, sourceFormat: input.format ?? .png, hasAlpha: false).path
            case .bytes(let ext): return c.naming.target(for: input, fileExtension: ext).path
            }
        }
        let canonicalInputs = inputs.map { BatchInputs.canonicalPath($0.path) }
        var producedBy: [String: String] = [:]  // canonical output → input that writes it
        var entries: [Entry] = []
        for (input, canonical) in zip(inputs, canonicalInputs) {
            guard let output = nominalOutput(input) else {
                entries.append(Entry(input: input, verdict: .skip("not a \(taskFormat?.name ?? "PNG or JPEG image")")))
                continue
            }
            let canonicalOutput = Self.canonicalOutputPath(output)
            if canonicalOutput == canonical {
                entries.append(Entry(input: input, verdict: .fail("the output path \(output) is the input itself; use another -o or a --suffix")))
            } else if let other = producedBy[canonicalOutput] {
                entries.append(Entry(input: input, verdict: .fail("the output \(output) would also be written for \(other)")))
            } else {
                producedBy[canonicalOutput] = input.path
                entries.append(Entry(input: input, verdict: .process))
            }
        }
        // An input that is another input's output is a previous run's result in the same folder
        // (writing beside the inputs with --suffix): not a new input.
        for index in entries.indices where entries[index].verdict == .process {
            if let source = producedBy[canonicalInputs[index]], source != entries[index].input.path {
                entries[index].verdict = .skip("an output of \(source)")
            }
        }
        self.entries = c.shard.select(entries)
        var folders = Set<String>()
        var ordered: [String] = []
        for entry in self.entries where entry.verdict == .process {
            if let output = nominalOutput(entry.input) {
                let folder = (output as NSString).deletingLastPathComponent
                if folders.insert(folder).inserted { ordered.append(folder) }
            }
        }
        outputFolders = ordered
        if c.recursive, c.inputs.contains(where: { arg in
            let a = BatchInputs.canonicalPath(arg)
            return outputFolder.hasPrefix(a + "/")
        }) {
            notes.append("not reading inputs from the output folder \(c.naming.folder)")
        }
    }

    /// The parent folder resolved (it may be a symlink to an input folder) with the name added.
    static func canonicalOutputPath(_ path: String) -> String {
        let folder = (path as NSString).deletingLastPathComponent
        return (BatchInputs.canonicalPath(folder.isEmpty ? "." : folder) as NSString)
            .appendingPathComponent((path as NSString).lastPathComponent)
    }
}
