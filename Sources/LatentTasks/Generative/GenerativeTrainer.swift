import LatentImage
import LatentNN
import LatentTensor

/// What differs between training an autoencoder and a GAN; `GenerativeTraining` runs the
/// loop (data, checkpoints, progress, sample grids) around it.
protocol GenerativeTrainer {
    /// Everything that is saved: checkpoint tensors `model.*` and the model file.
    var module: Module { get }
    /// Everything whose state is saved as `optimizer.*`.
    var optimizer: Optimizer { get }
    /// One update from a batch [N, C, S, S] in [0, 1]. Returns the losses by name; the first
    /// is the one the progress line calls "loss".
    func step(_ batch: Tensor, using rng: inout RandomSource) -> [(String, Float)]
    /// Images in [0, 1] from codes [N, D], in evaluation mode (the caller restores training mode).
    func decode(_ codes: Tensor) -> Tensor
    /// Writes the model file.
    func save(trainingJSON: String, to path: String) throws
}
