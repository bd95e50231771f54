import Foundation

/// The options of `latent train upscale`; stored in checkpoints and in the model's training
/// record, so a run can be resumed and reproduced exactly.
public struct UpscaleTrainingOptions: Codable, Equatable, TrainingLoopOptions {
    /// Folders of high-resolution training images (all are used, pooled).
    public var data: [String]
    public var validation: String?
    public var output: String
    public var from: String?
    public var scale: Int = 2
    /// 1: luma (colour images get bicubic chroma), 3: RGB.
    public var channels: Int = 1
    public var features: Int = 48
    public var code: Int = 32
    public var mapping: Int = 3
    public var steps: Int = 20_000
    public var batch: Int = 16
    /// Side of the high-resolution patch (a multiple of `scale`); the input patch is patch / scale.
    public var patch: Int = 96
    public var learningRate: Float = 1e-3
    public var minimumLearningRate: Float = 1e-5
    public var loss: String = "charbonnier"
    public var seed: UInt64 = 1
    public var checkpointEvery: Int = 500
    /// Steps between validations; nil validates once per epoch (`UpscaleTraining.stepsPerEpoch`).
    public var validateEvery: Int?

    public init(data: [String], output: String) {
        self.data = data
        self.output = output
    }

    /// Where the resumable state of this run lives: next to the output, `<output>.checkpoint.safetensors`.
    public var checkpointPath: String { Checkpoint.path(nextTo: output) }

    /// Options that must not change when a run is resumed. The length (the cosine horizon is
    /// re-planned), the reporting intervals, the output and where the data folders are mounted
    /// may (their contents must be the same: a checkpoint moves between machines).
    func sameRun(as other: UpscaleTrainingOptions) -> Bool {
        var a = self, b = other
        a.steps = 0; b.steps = 0; a.checkpointEvery = 0; b.checkpointEvery = 0
        a.validateEvery = nil; b.validateEvery = nil
        a.data = a.data.map { _ in "" }; b.data = b.data.map { _ in "" }
        a.validation = nil; b.validation = nil; a.output = ""; b.output = ""
        return a == b
    }
}
