import Foundation

/// Bytes of image buffers the pipeline may hold at once. Decoding the next file ahead only
/// happens when its buffers fit beside the ones in use; otherwise it waits for the previous
/// output to be written. One item is always admitted when nothing else is held, so an image
/// larger than the budget still runs (alone).
final class MemoryBudget: @unchecked Sendable {
    let limit: Int
    private var reserved = 0
    private let condition = NSCondition()

    init(limit: Int) { self.limit = limit }

    private func fits(_ bytes: Int) -> Bool { reserved == 0 || reserved + bytes <= limit }

    func tryReserve(_ bytes: Int) -> Bool {
        condition.lock(); defer { condition.unlock() }
        guard fits(bytes) else { return false }
        reserved += bytes
        return true
    }

    func reserve(_ bytes: Int) {
        condition.lock(); defer { condition.unlock() }
        while !fits(bytes) { condition.wait() }
        reserved += bytes
    }

    func release(_ bytes: Int) {
        condition.lock()
        reserved -= bytes
        condition.broadcast()
        condition.unlock()
    }
}
