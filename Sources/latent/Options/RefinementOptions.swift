import ArgumentParser
import LatentTasks

/// Encoder-side latent refinement, shared by `latent encode` and `latent eval compress`.
struct RefinementOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Refine each image's latent with N gradient steps on its own rate–distortion cost (slower encoding, same decoder; 0: off).", valueName: "N"))
    var refine: Int = LatentRefinement.off.steps

    @Option(help: ArgumentHelp("Refinement's first step size, in quantization bins.", valueName: "x"))
    var refineLr: Float = LatentRefinement.defaultLearningRate

    @Option(help: ArgumentHelp("Refinement's λ (default: the λ the model was trained with).", valueName: "λ"))
    var refineLambda: Float?

    var refinement: LatentRefinement { LatentRefinement(steps: refine, learningRate: refineLr, lambda: refineLambda) }

    func validate() throws {
        if let problem = refinement.problem { throw ValidationError(problem) }
    }
}
