import LatentTensor

/// Several optimizers seen as one, so that a run with two networks trained in turn (a GAN's
/// generator and discriminator) can keep both states in one checkpoint: state names get the
/// member's name as prefix (`generator.exp_avg.…`). `step()` steps every member; a GAN loop
/// steps its members itself, at different moments, and uses the group only for saving.
public final class OptimizerGroup: Optimizer {
    public let members: [(name: String, optimizer: Optimizer)]

    public init(_ members: [(name: String, optimizer: Optimizer)]) {
        precondition(!members.isEmpty, "an optimizer group needs members")
        self.members = members
    }

    /// The first member's rate; setting it sets every member's.
    public var learningRate: Float {
        get { members[0].optimizer.learningRate }
        set { for m in members { m.optimizer.learningRate = newValue } }
    }

    /// The first member's count (members step in lockstep); setting it sets every member's.
    public var stepCount: Int {
        get { members[0].optimizer.stepCount }
        set { for m in members { m.optimizer.stepCount = newValue } }
    }

    public func step() {
        for m in members { m.optimizer.step() }
    }

    public func namedState() -> [(String, Tensor)] {
        members.flatMap { member in member.optimizer.namedState().map { ("\(member.name).\($0.0)", $0.1) } }
    }
}
