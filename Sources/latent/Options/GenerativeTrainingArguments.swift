import ArgumentParser
import Foundation
import LatentTasks

/// The options `latent train vae`, `ae` and `gan` share.
struct GenerativeTrainingArguments: ParsableArguments {
    @Option(help: "Folder tree of training images (all PNG/JPEG below it; whole images, no patches).") var data: String
    @Option(help: "Where to write the model (.safetensors); checkpoint and sample grid go next to it.") var out: String
    @Option(help: "Square side images are resized to (faces48: 48; emoji: 32). Must be a multiple of 2^(number of widths).") var size: Int = 48
    @Option(help: "1 gray or 3 RGB (default: gray if the first image is gray, else RGB; emoji are composited on white).") var channels: Int?
    @Option(help: "Latent dimensions (default: 32 for vae/ae, 64 for gan).") var latent: Int?
    @Option(help: "Feature widths, finest first; one 4×4 stride-2 layer each.") var widths: String = "32,64,128"
    @Option(help: "Training steps.") var steps: Int = 20_000
    @Option(help: "Images per step.") var batch: Int = 64
    @Option(help: "Adam learning rate (default: 1e-3 for vae/ae, 2e-4 for gan).") var lr: Float?
    @Option(help: "Random seed (weights, batches, noise).") var seed: UInt64 = 1
    @Option(help: "Steps between checkpoints.") var checkpointEvery: Int = 500
    @Option(help: "Steps between 8×8 sample grids (<out>.samples.png).") var sampleEvery: Int = 500
    @Option(help: "Hold out every K-th image of --data (sorted by path) for `latent eval … --hold-out K`; for folders without a test split (emoji).") var holdOut: Int?
    @Flag(help: "Continue from the checkpoint next to --out.") var resume = false
    @Option(help: "Stop after this step with a checkpoint (continue later with --resume).") var pauseAt: Int?

    func validate() throws {
        if let channels, channels != 1 && channels != 3 { throw ValidationError("--channels must be 1 or 3") }
        guard parsedWidths() != nil else { throw ValidationError("--widths must be positive integers, e.g. 32,64,128") }
        if let holdOut, holdOut < 2 { throw ValidationError("--hold-out must be at least 2") }
    }

    func parsedWidths() -> [Int]? {
        let parts = widths.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !parts.isEmpty, parts.allSatisfy({ ($0 ?? 0) > 0 }) else { return nil }
        return parts.map { $0! }
    }

    func options(kind: String) throws -> GenerativeTrainingOptions {
        var o = GenerativeTrainingOptions(kind: kind, data: data, output: out)
        o.size = size
        o.channels = try channels ?? GenerativeImages.naturalChannels(of: data)
        if let latent { o.latentDim = latent }
        o.widths = parsedWidths()!
        o.steps = steps
        o.batch = batch
        if let lr { o.learningRate = lr }
        o.seed = seed
        o.checkpointEvery = checkpointEvery
        o.sampleEvery = sampleEvery
        o.holdOut = holdOut
        return o
    }

    func run(_ options: GenerativeTrainingOptions) throws {
        let command = (["latent"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
        do {
            try GenerativeTraining(options: options, command: command).run(resume: resume, pauseAt: pauseAt)
        } catch let error as TaskError {
            FileHandle.standardError.write(Data("latent: \(error)\n".utf8)); throw ExitCode(1)
        }
    }
}
