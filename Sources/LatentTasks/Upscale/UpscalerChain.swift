/// Upscalers applied one after another as one model (e.g. ×2 twice for ×4), so that a ×4 job
/// can be measured and run either with a ×4 model or with a ×2 model twice.
///
/// Each tile window goes through every stage whole; the margin is the first stage's plus the
/// later stages' margins expressed in first-stage input pixels (rounded up), so tiles still agree
/// with a single pass.
public final class UpscalerChain: PlaneModel {
    public let stages: [Upscaler]

    public init(_ stages: [Upscaler]) {
        precondition(!stages.isEmpty && stages.allSatisfy { $0.channels == stages[0].channels },
                     "a chain needs upscalers with the same channels")
        self.stages = stages
    }

    /// `upscaler` repeated until the product of scales is `scale`; nil when `scale` is not a power
    /// of the upscaler's own scale.
    public static func repeating(_ upscaler: Upscaler, toReach scale: Int) -> UpscalerChain? {
        var stages = [upscaler], reached = upscaler.scale
        while reached < scale { stages.append(upscaler); reached *= upscaler.scale }
        return reached == scale ? UpscalerChain(stages) : nil
    }

    public var inputChannels: Int { stages[0].channels }
    public var outputChannels: Int { stages[0].channels }

    public var tileRequirements: TileRequirements {
        var margin = 0, factor = 1
        for stage in stages {
            margin += (stage.tileRequirements.margin + factor - 1) / factor
            factor *= stage.scale
        }
        return TileRequirements(margin: margin, alignment: 1, scale: factor)
    }

    /// The last stage dominates: its input is the previous stages' output, (product of their
    /// scales)² pixels per chain input pixel.
    public var activationBytesPerPixel: Int {
        var factor = 1, peak = 0
        for stage in stages {
            peak = max(peak, stage.activationBytesPerPixel * factor * factor)
            factor *= stage.scale
        }
        return peak
    }

    public func run(_ planes: [Float], width: Int, height: Int) -> [Float] {
        var (current, w, h) = (planes, width, height)
        for stage in stages {
            current = stage.upscaleWhole(current, width: w, height: h)
            w *= stage.scale
            h *= stage.scale
        }
        return current
    }
}
