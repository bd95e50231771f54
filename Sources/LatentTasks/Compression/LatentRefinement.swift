import Foundation
import LatentModels
import LatentNN
import LatentTensor

/// Encoder-side refinement of the latent (Campos et al. 2019, "Content adaptive optimization for
/// neural image compression"). The analysis transform is a fast, amortised guess at the latent
/// that minimises an image's rate–distortion cost; a few Adam steps on that one image's latent,
/// with the decoder and the entropy model fixed, find a cheaper one. The `.lat` format and the
/// decoder do not change: only encoding does more work, so files from a refined encode decode
/// anywhere the model is installed.
///
/// The cost is the training objective on the latent that is actually coded: ŷ = median +
/// round(y − median) per channel (the tables' grid). The distortion's gradient passes the
/// rounding straight through; the rate's is taken at y itself (see below). The best ŷ seen is kept, and the analysis transform's own latent is the
/// first one seen, so refining never makes an image's cost worse.
public struct LatentRefinement: Equatable, Sendable {
    /// Adam steps per latent tile; 0 keeps the analysis transform's latent.
    public var steps: Int
    /// Adam's first step size, in quantization bins; cosine-decayed to 0 over the steps.
    public var learningRate: Float
    /// The trade-off λ in λ·255²·MSE + bpp; nil takes the λ the model was trained with.
    public var lambda: Float?

    /// No refinement: the analysis transform's latent is coded as it is.
    public static let off = LatentRefinement(steps: 0)
    public static let defaultLearningRate: Float = 0.1

    public init(steps: Int, learningRate: Float = LatentRefinement.defaultLearningRate, lambda: Float? = nil) {
        self.steps = steps
        self.learningRate = learningRate
        self.lambda = lambda
    }

    /// What is wrong with these settings, if anything (for option validation).
    public var problem: String? {
        if steps < 0 { return "--refine must be 0 or more steps" }
        if !(learningRate > 0) || !learningRate.isFinite { return "--refine-lr must be positive" }
        if let lambda, !(lambda > 0) || !lambda.isFinite { return "--refine-lambda must be positive" }
        return nil
    }

    /// The refined latent of one window.
    /// y: [M, h, w] (the latent there); image: [3, h·s, w·s], the padded pixels under it, of
    /// which the top-left `validWidth` × `validHeight` belong to the image (the decoder crops
    /// the rest, so it costs nothing). Only the cells in `core` (x, y, width, height in the
    /// window's cells) move: the rest is context that other windows own.
    /// Returns ŷ, on the tables' grid.
    func refine(_ y: [Float], latentWidth w: Int, latentHeight h: Int, image: [Float], validWidth: Int, validHeight: Int,
                core: (x: Int, y: Int, width: Int, height: Int),
                network: FactorizedPriorCodec, medians: [Float], lambda: Float) -> [Float] {
        let m = medians.count, s = network.architecture.totalStride
        let (pw, ph) = (w * s, h * s)
        precondition(y.count == m * h * w && image.count == 3 * ph * pw, "refine: latent \(y.count), image \(image.count)")
        precondition(validWidth > 0 && validWidth <= pw && validHeight > 0 && validHeight <= ph, "refine: valid region")
        let plane = h * w
        func grid(_ values: [Float]) -> [Float] {
            var q = values
            for c in 0..<m {
                let median = medians[c]
                for k in c * plane..<(c + 1) * plane { q[k] = median + (values[k] - median).rounded() }
            }
            return q
        }
        var best = grid(y)
        guard steps > 0 else { return best }

        // x, mask: [1, 3, ph, pw]; the mask is 1 on the image's own pixels.
        let target = Tensor(image, shape: [1, 3, ph, pw])
        var maskValues = [Float](repeating: 0, count: 3 * ph * pw)
        for c in 0..<3 { for yy in 0..<validHeight { for xx in 0..<validWidth { maskValues[(c * ph + yy) * pw + xx] = 1 } } }
        let mask = Tensor(maskValues, shape: [1, 3, ph, pw])
        let pixels = Float(validWidth * validHeight)

        // Only the latent learns: the network's parameters are frozen (no weight gradients).
        let parameters = network.parameters()
        let wanted = parameters.map(\.requiresGrad)
        for p in parameters { p.requiresGrad = false }
        defer { for (p, flag) in zip(parameters, wanted) { p.requiresGrad = flag } }

        // [1, M, h, w]: 1 on the cells this window may move.
        var movableValues = [Float](repeating: 0, count: m * plane)
        for c in 0..<m {
            for yy in core.y..<core.y + core.height {
                for xx in core.x..<core.x + core.width { movableValues[c * plane + yy * w + xx] = 1 }
            }
        }
        let movable = Tensor(movableValues, shape: [1, m, h, w])
        let latent = Tensor(y, shape: [1, m, h, w], requiresGrad: true)
        let adam = Adam([("latent", latent)], learningRate: learningRate)
        let schedule = LearningRateSchedule.cosine(totalSteps: steps, minimum: 0)
        // Bits per image pixel of a latent v: [1, M, h, w].
        let bits = { (v: Tensor) in network.density.likelihood(v).log().sum() * (-1 / (Float(M_LN2) * pixels)) }
        var bestCost = Float.infinity
        for step in 0...steps {
            let values = latent.toArray()
            let coded = grid(values)
            // ŷ = y + (grid(y) − y): the coded values forward, the identity backward.
            let shift = Tensor(zip(coded, values).map { $0 - $1 }, shape: latent.shape)
            let yHat = latent + shift
            let reconstruction = network.synthesis(yHat).plain().clamped(0, 1)
            let error = (reconstruction - target) * mask
            let distortion = error.squared().sum() * (lambda * 255 * 255 / (3 * pixels))
            let cost = distortion.item + Autograd.withoutGrad { bits(yHat).item }
            if cost < bestCost { bestCost = cost; best = coded }
            guard step < steps else { break }
            latent.grad = nil
            // The rate's gradient is taken at the unrounded y: P(y − ½ < Y < y + ½) pulls every
            // element towards its channel's mode. At ŷ on the grid it would vanish at the mode,
            // and Adam, which moves each element by about one step size whatever its gradient,
            // would push the idle elements across the rounding boundaries.
            (distortion + bits(latent)).backward()
            // Adam leaves a cell whose gradient is always 0 where it is.
            if let g = latent.grad { latent.grad = Autograd.withoutGrad { g.plain() * movable } }
            adam.learningRate = schedule.learningRate(base: learningRate, step: step)
            adam.step()
        }
        return best
    }
}
