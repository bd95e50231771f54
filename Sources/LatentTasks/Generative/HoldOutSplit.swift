/// A deterministic split of one folder into training and held-out images, for data sets that
/// come without a test split (the emoji): of the image files sorted by path, the last of every
/// group of `every` is held out. Training and evaluation name the same `every`, so they agree
/// on the split without any list being stored.
public struct HoldOutSplit: Equatable, Sendable {
    public enum Part: Sendable { case training, heldOut }
    public let every: Int
    public let part: Part

    public init(every: Int, part: Part) {
        precondition(every >= 2, "a hold-out split needs every ≥ 2")
        self.every = every
        self.part = part
    }

    /// The files of `part`, in their given order; `files` must be sorted by path.
    public func select(_ files: [String]) -> [String] {
        files.enumerated().filter { ($0.offset % every == every - 1) == (part == .heldOut) }.map(\.element)
    }
}
