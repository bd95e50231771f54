import Foundation
import LatentNN
import LatentTensor

/// What the patch trainers' options have in common, so that `TrainingLoop` can resume and
/// checkpoint any of them.
protocol TrainingLoopOptions: Codable {
    var steps: Int { get }
    var batch: Int { get }
    var seed: UInt64 { get }
    var checkpointEvery: Int { get }
    var checkpointPath: String { get }
    /// Whether a checkpoint written with `other` may be continued with these options.
    func sameRun(as other: Self) -> Bool
}

/// The step loop of the patch trainers (denoise, upscale, colorize, compress): it resumes from
/// the checkpoint next to the output, takes the steps the trainer gives it, prints the progress
/// line, writes a checkpoint every `checkpointEvery` steps, validates every `validateEvery`
/// steps, stops at `pauseAt`, and at the end validates once more and writes the last checkpoint.
/// The trainer keeps what is its own: the batch and the step, what a validation measures, and
/// the model file.
///
/// Checkpoints hold the model, the optimizer, the step, the random stream of the batches, the
/// wall time and the validation history (`latent.validation_history`), so a resumed run
/// continues bit-exactly.
final class TrainingLoop {
    /// What one step reports for the progress line.
    struct StepReport {
        var loss: Float
        var learningRate: Float
        /// Appended to the progress line (printed only on the steps the line is printed).
        var extra = ""
    }

    /// What one validation found: its result, the numbers kept in the history (the loop adds
    /// `step` and `seconds`) and the line printed.
    struct Validation<Evaluation> {
        var result: Evaluation
        var history: [String: Double]
        var line: String
    }

    let model: Module
    let optimizer: Optimizer
    let checkpointPath: String
    /// The run's options as sorted JSON: stored in checkpoints and in the model's training record.
    let optionsJSON: String
    let totalSteps: Int
    let batch: Int
    let checkpointEvery: Int
    let validateEvery: Int
    /// Steps done, those before a resume included.
    private(set) var step = 0
    /// The random stream of the batches and steps (saved in checkpoints).
    private var rng: RandomSource
    private var history: [[String: Double]] = []
    private var progress: TrainingProgress
    private var elapsedBefore = 0.0
    private var started = Date()

    /// Wall time of the run, that before a resume included.
    var elapsed: Double { elapsedBefore + Date().timeIntervalSince(started) }

    /// Restores `model` and `optimizer` from the checkpoint when `resume` is set and there is one
    /// (refusing one written with other options); otherwise the run starts at step 0.
    init<Options: TrainingLoopOptions>(options o: Options, validateEvery: Int, model: Module, optimizer: Optimizer,
                                       progress: TrainingProgress, resume: Bool) throws {
        self.model = model
        self.optimizer = optimizer
        self.checkpointPath = o.checkpointPath
        self.optionsJSON = String(decoding: try JSONEncoder.sorted.encode(o), as: UTF8.self)
        self.totalSteps = o.steps
        self.batch = o.batch
        self.checkpointEvery = o.checkpointEvery
        self.validateEvery = validateEvery
        self.progress = progress
        rng = RandomSource(seed: o.seed &+ 0x5EED)
        if resume, FileManager.default.fileExists(atPath: checkpointPath) {
            let checkpoint = try Checkpoint.restore(from: checkpointPath, model: model, optimizer: optimizer, continuing: o) {
                $0.sameRun(as: $1)
            }
            step = checkpoint.step
            rng.stateWords = checkpoint.randomState
            elapsedBefore = checkpoint.elapsedSeconds
            if let h = checkpoint.extra["latent.validation_history"],
               let decoded = try? JSONDecoder().decode([[String: Double]].self, from: Data(h.utf8)) {
                history = decoded
            }
            progress.note("resumed from \(checkpointPath) at step \(step)")
        }
        started = Date()
    }

    /// Runs the remaining steps. `takeStep` gets the number of steps done before it (the
    /// schedule's position) and the random stream, and runs one optimizer step; `validate`
    /// (nil without validation images) runs in eval mode; `beforeFinish` runs once after the
    /// last step, before the final validation and checkpoint. Returns `paused` when stopped at
    /// `pauseAt` (a checkpoint, no final validation), else the final validation.
    func run<Evaluation>(pauseAt: Int?, validate: ((_ step: Int) throws -> Validation<Evaluation>)?,
                         beforeFinish: () throws -> Void = {},
                         step takeStep: (_ done: Int, _ rng: inout RandomSource) throws -> StepReport)
        throws -> (paused: Bool, final: Evaluation?) {
        model.train()
        while step < totalSteps {
            let report = try takeStep(step, &rng)
            step += 1
            progress.record(step: step, loss: report.loss, samples: batch, learningRate: report.learningRate, extra: report.extra)
            if step % checkpointEvery == 0 { try saveCheckpoint() }
            if step % validateEvery == 0 && step < totalSteps { _ = try validation(validate) }
            if let pauseAt, step >= pauseAt, step < totalSteps {
                try saveCheckpoint()
                progress.note("paused at step \(step); continue with --resume")
                return (true, nil)
            }
        }
        try beforeFinish()
        let final = try validation(validate)
        try saveCheckpoint()
        return (false, final)
    }

    /// The model's training record (sorted JSON): `fields` and the steps, wall time and options.
    func trainingJSON(_ fields: [String: String]) throws -> String {
        var record = fields
        record["steps"] = String(totalSteps)
        record["wall_seconds"] = String(format: "%.0f", elapsed)
        record["options"] = optionsJSON
        return String(decoding: try JSONEncoder.sorted.encode(record), as: UTF8.self)
    }

    /// The last line of a run.
    func noteWritten(_ output: String) {
        progress.note("wrote \(output) after \(TrainingProgress.duration(elapsed))")
    }

    private func saveCheckpoint() throws {
        let h = String(decoding: try JSONEncoder.sorted.encode(history), as: UTF8.self)
        try Checkpoint(step: step, randomState: rng.stateWords, elapsedSeconds: elapsed,
                       optionsJSON: optionsJSON, extra: ["latent.validation_history": h])
            .save(model: model, optimizer: optimizer, to: checkpointPath)
    }

    private func validation<Evaluation>(_ validate: ((Int) throws -> Validation<Evaluation>)?) throws -> Evaluation? {
        guard let validate else { return nil }
        model.eval()
        defer { model.train() }
        let v = try validate(step)
        history.append(v.history.merging(["step": Double(step), "seconds": elapsed]) { _, loop in loop })
        progress.note(v.line)
        return v.result
    }
}
