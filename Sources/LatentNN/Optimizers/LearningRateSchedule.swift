import Foundation

/// The learning rate as a function of the step, as PyTorch's `StepLR` and `CosineAnnealingLR`.
public enum LearningRateSchedule: Equatable, Sendable, Codable {
    case constant
    /// lr · γ^⌊step / every⌋
    case step(every: Int, gamma: Float)
    /// η_min + (lr − η_min)·(1 + cos(π·step / total)) / 2
    case cosine(totalSteps: Int, minimum: Float)

    public func learningRate(base: Float, step: Int) -> Float {
        switch self {
        case .constant:
            return base
        case .step(let every, let gamma):
            return base * Float(Foundation.pow(Double(gamma), Double(step / max(every, 1))))
        case .cosine(let total, let minimum):
            let progress = Double(min(step, total)) / Double(max(total, 1))
            return minimum + (base - minimum) * Float((1 + Foundation.cos(Double.pi * progress)) / 2)
        }
    }
}
