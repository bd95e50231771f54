import Foundation
import LatentNN
import LatentTensor

/// Everything needed to continue a training run exactly where it stopped: the model's
/// tensors (`model.*`), the optimizer's moments (`optimizer.*`), and in the metadata the
/// step, the random generator's state, the wall time spent so far, and the run's options.
///
/// Written atomically (temporary file + rename), so a run killed mid-save keeps the last
/// good checkpoint.
public struct Checkpoint {
    /// Where a run writing the model `output` keeps its checkpoint: `<output>.checkpoint.safetensors`,
    /// next to the output (`model.safetensors` → `model.checkpoint.safetensors`).
    public static func path(nextTo output: String) -> String {
        (output.hasSuffix(".safetensors") ? String(output.dropLast(12)) : output) + ".checkpoint.safetensors"
    }

    public var step: Int
    public var randomState: [UInt64]
    public var elapsedSeconds: Double
    /// The options JSON of the run that wrote it (a resumed run must use the same).
    public var optionsJSON: String
    /// Extra metadata (e.g. the validation history as JSON).
    public var extra: [String: String] = [:]

    public init(step: Int, randomState: [UInt64], elapsedSeconds: Double, optionsJSON: String, extra: [String: String] = [:]) {
        self.step = step
        self.randomState = randomState
        self.elapsedSeconds = elapsedSeconds
        self.optionsJSON = optionsJSON
        self.extra = extra
    }

    public func save(model: Module, optimizer: Optimizer, to path: String) throws {
        var tensors: [String: StoredTensor] = [:]
        for (name, stored) in try model.stateDict() { tensors["model.\(name)"] = stored }
        for (name, tensor) in optimizer.namedState() {
            tensors["optimizer.\(name)"] = try StoredTensor(floats: tensor.toArray(), shape: tensor.shape)
        }
        var metadata = extra
        metadata["latent.checkpoint.step"] = String(step)
        metadata["latent.checkpoint.optimizer_steps"] = String(optimizer.stepCount)
        metadata["latent.checkpoint.random_state"] = randomState.map(String.init).joined(separator: ",")
        metadata["latent.checkpoint.elapsed_seconds"] = String(elapsedSeconds)
        metadata["latent.checkpoint.options"] = optionsJSON
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {  // "" for a bare file name: the current folder exists
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        try SafeTensorsFile(tensors: tensors, metadata: metadata, sourceName: path).write(toPath: path)
    }

    /// Restores the checkpoint of a run that `--resume` continues with `options`, refusing one
    /// written with options `sameRun` does not accept (another λ, architecture, batch, …): a
    /// resumed run must be the run that was paused.
    static func restore<Options: Decodable>(from path: String, model: Module, optimizer: Optimizer, continuing options: Options,
                                            sameRun: (_ saved: Options, _ asked: Options) -> Bool) throws -> Checkpoint {
        let checkpoint = try restore(from: path, model: model, optimizer: optimizer)
        let saved = try JSONDecoder().decode(Options.self, from: Data(checkpoint.optionsJSON.utf8))
        guard sameRun(saved, options) else {
            throw TaskError.checkpoint("\(path) was written with other options; remove it or repeat its options")
        }
        return checkpoint
    }

    /// Reads a checkpoint and restores `model` and `optimizer` from it.
    public static func restore(from path: String, model: Module, optimizer: Optimizer) throws -> Checkpoint {
        let file = try SafeTensorsFile(path: path)
        func meta(_ key: String) throws -> String {
            guard let value = file.metadata["latent.checkpoint.\(key)"] else {
                throw TaskError.checkpoint("\(path): missing \(key)")
            }
            return value
        }
        var modelTensors: [String: StoredTensor] = [:]
        var optimizerTensors: [String: Tensor] = [:]
        for (name, stored) in file.tensors {
            if name.hasPrefix("model.") {
                modelTensors[String(name.dropFirst(6))] = stored
            } else if name.hasPrefix("optimizer.") {
                optimizerTensors[String(name.dropFirst(10))] = Tensor(try stored.floats(), shape: stored.shape)
            }
        }
        try model.loadStateDict(modelTensors, strict: true, source: path)
        guard let optimizerSteps = Int(try meta("optimizer_steps")), let step = Int(try meta("step")),
              let elapsed = Double(try meta("elapsed_seconds")) else {
            throw TaskError.checkpoint("\(path): malformed step or time")
        }
        try optimizer.loadState(optimizerTensors, stepCount: optimizerSteps)
        let words = try meta("random_state").split(separator: ",").compactMap { UInt64($0) }
        guard words.count == 4 else { throw TaskError.checkpoint("\(path): malformed random state") }
        var extra = file.metadata.filter { !$0.key.hasPrefix("latent.checkpoint.") }
        extra.removeValue(forKey: "__metadata__")
        return Checkpoint(step: step, randomState: words, elapsedSeconds: elapsed,
                          optionsJSON: try meta("options"), extra: extra)
    }
}
