import LatentNN
import LatentTensor

/// The pixel losses `--loss` names for the image-to-image trainers (denoise, upscale).
enum ReconstructionLoss {
    /// "mse", "l1", or anything else: Charbonnier (the default).
    static func apply(_ name: String, _ output: Tensor, _ target: Tensor) -> Tensor {
        switch name {
        case "mse": return Loss.mse(output, target)
        case "l1": return Loss.l1(output, target)
        default: return Loss.charbonnier(output, target)
        }
    }
}
