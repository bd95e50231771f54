/// One of N disjoint slices of the sorted input list, for spreading a run over processes or
/// machines (`--shard K/N`, K from 1).
///
/// Slices are round-robin: shard K takes inputs K−1, K−1+N, K−1+2N, … Neighbouring files in a
/// folder tend to be alike in size, so round-robin balances work better than contiguous blocks,
/// and every shard still gets a deterministic list because the input order is stable.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    /// 1-based index of this shard.
    public let index: Int
    public let count: Int

    public static let all = Shard(validIndex: 1, count: 1)

    private init(validIndex: Int, count: Int) {
        self.index = validIndex
        self.count = count
    }

    public init(index: Int, count: Int) throws {
        guard count >= 1, (1...count).contains(index) else {
            throw TaskError.invalidOption("shard \(index)/\(count): K must be between 1 and N")
        }
        self.init(validIndex: index, count: count)
    }

    /// Parses "K/N".
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]) else {
            throw TaskError.invalidOption("--shard takes K/N, e.g. 2/8, not \"\(text)\"")
        }
        try self.init(index: k, count: n)
    }

    /// This shard's elements of `list`, in order.
    public func select<T>(_ list: [T]) -> [T] {
        list.enumerated().compactMap { $0.offset % count == index - 1 ? $0.element : nil }
    }

    public var description: String { "\(index)/\(count)" }
}
