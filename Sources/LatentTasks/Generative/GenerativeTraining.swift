import Foundation
import LatentImage
import LatentModels
import LatentNN
import LatentTensor

/// Trains a VAE, a plain autoencoder or a GAN on whole images (see `GenerativeImages`),
/// resumably: checkpoints every `checkpointEvery` steps, `--pause-at`, and a sample grid
/// (8×8, fixed codes, so successive grids show progress) every `sampleEvery` steps.
public final class GenerativeTraining {
    public let options: GenerativeTrainingOptions
    public let command: String
    /// Progress lines every this many steps.
    public var reportEvery = 50

    public init(options: GenerativeTrainingOptions, command: String) throws {
        let o = options
        guard ["vae", "ae", "gan"].contains(o.kind) else { throw TaskError.invalidOption("unknown model kind \(o.kind)") }
        if let problem = GenerativeGeometry.problem(imageSize: o.size, channels: o.channels, latentDim: o.latentDim, widths: o.widths) {
            throw TaskError.invalidOption(problem)
        }
        guard o.steps > 0, o.batch > 1, o.learningRate > 0, o.checkpointEvery > 0, o.sampleEvery > 0 else {
            throw TaskError.invalidOption("--steps, --lr, --checkpoint-every and --sample-every must be positive, --batch at least 2")
        }
        guard o.beta >= 0, o.realLabel > 0, o.realLabel <= 1 else { throw TaskError.invalidOption("--beta must be ≥ 0 and the real label in (0, 1]") }
        self.options = o
        self.command = command
    }

    func makeTrainer() -> GenerativeTrainer {
        let o = options
        if o.kind == "gan" {
            let architecture = GANArchitecture(imageSize: o.size, channels: o.channels, latentDim: o.latentDim, widths: o.widths)
            return GANTrainer(model: DCGAN(architecture, seed: o.seed), options: o)
        }
        let architecture = AutoencoderArchitecture(kind: o.kind, imageSize: o.size, channels: o.channels,
                                                   latentDim: o.latentDim, widths: o.widths)
        return AutoencoderTrainer(model: ConvAutoencoder(architecture, seed: o.seed), options: o)
    }

    /// Runs (or resumes) training and writes the model file; returns the losses of the last
    /// step. With `pauseAt`, training stops after that step with a checkpoint and no model file.
    @discardableResult
    public func run(resume: Bool, pauseAt: Int? = nil, data preloaded: GenerativeImages? = nil) throws -> [(String, Float)] {
        let o = options
        let progress = TrainingProgress(totalSteps: o.steps, every: reportEvery)
        let loadStart = Date()
        let images = try preloaded ?? GenerativeImages(folder: o.data, channels: o.channels, size: o.size, split: o.trainingSplit)
        for s in images.skipped.prefix(20) { progress.note("skipped \(s.path): \(s.reason)") }
        progress.note(String(format: "%@: %d images from %@ at %d×%d, %d channel%@ (loaded in %.1f s)", o.kind, images.count, o.data,
                             o.size, o.size, o.channels, o.channels == 1 ? "" : "s", Date().timeIntervalSince(loadStart)))

        let trainer = makeTrainer()
        let optionsJSON = String(decoding: try JSONEncoder.sorted.encode(o), as: UTF8.self)
        var rng = RandomSource(seed: o.seed &+ 0x5EED)
        var step = 0
        var elapsedBefore = 0.0
        if resume, FileManager.default.fileExists(atPath: o.checkpointPath) {
            let checkpoint = try Checkpoint.restore(from: o.checkpointPath, model: trainer.module, optimizer: trainer.optimizer,
                                                    continuing: o) { $0.sameRun(as: $1) }
            step = checkpoint.step
            rng.stateWords = checkpoint.randomState
            elapsedBefore = checkpoint.elapsedSeconds
            progress.note("resumed from \(o.checkpointPath) at step \(step)")
        }
        progress.note("\(trainer.module.parameterCount) parameters; checkpoints to \(o.checkpointPath), samples to \(o.samplesPath)")

        let started = Date()
        var elapsed: Double { elapsedBefore + Date().timeIntervalSince(started) }
        func saveCheckpoint() throws {
            try Checkpoint(step: step, randomState: rng.stateWords, elapsedSeconds: elapsed, optionsJSON: optionsJSON)
                .save(model: trainer.module, optimizer: trainer.optimizer, to: o.checkpointPath)
        }
        // Fixed codes from their own generator, so the training stream is the same with or without grids.
        var sampleRNG = RandomSource(seed: o.seed ^ 0x5A3B_1E5A)
        let sampleCodes = Tensor.normal([64, o.latentDim], using: &sampleRNG)
        func writeSamples() throws {
            let grid = ImageGrid.tile(ImageGrid.images(trainer.decode(sampleCodes)), rows: 8, columns: 8)
            try grid.write(to: o.samplesPath, format: .png)
        }

        var meter = progress
        var sums: [String: Double] = [:]
        var windowSteps = 0
        var last: [(String, Float)] = []
        trainer.module.train()
        while step < o.steps {
            let batch = images.randomBatch(o.batch, using: &rng)
            last = trainer.step(batch, using: &rng)
            step += 1
            for (name, value) in last { sums[name, default: 0] += Double(value) }
            windowSteps += 1
            guard last.allSatisfy({ $0.1.isFinite }) else {
                throw TaskError.invalidOption("training diverged at step \(step): \(last.map { "\($0.0) \($0.1)" }.joined(separator: ", ")); lower --lr")
            }
            // Window means of the other losses ride along on the progress line.
            var extra = ""
            if step % meter.every == 0 || step == o.steps {
                extra = last.dropFirst().map { String(format: "%@ %.4f", $0.0, sums[$0.0]! / Double(windowSteps)) }.joined(separator: "  ")
                sums = [:]
                windowSteps = 0
            }
            meter.record(step: step, loss: last[0].1, samples: o.batch, learningRate: trainer.optimizer.learningRate, extra: extra)
            if step % o.checkpointEvery == 0 { try saveCheckpoint() }
            if step % o.sampleEvery == 0 { try writeSamples() }
            if let pauseAt, step >= pauseAt, step < o.steps {
                try saveCheckpoint()
                progress.note("paused at step \(step); continue with --resume")
                return last
            }
        }
        try saveCheckpoint()
        try writeSamples()
        var record: [String: String] = [
            "command": command, "data": o.data, "images": String(images.count), "seed": String(o.seed),
            "steps": String(o.steps), "wall_seconds": String(format: "%.0f", elapsed), "options": optionsJSON,
        ]
        for (name, value) in last { record["final_\(name)"] = String(format: "%.5g", value) }
        let trainingJSON = String(decoding: try JSONEncoder.sorted.encode(record), as: UTF8.self)
        try trainer.save(trainingJSON: trainingJSON, to: o.output)
        progress.note("wrote \(o.output) after \(TrainingProgress.duration(elapsed))")
        return last
    }
}
