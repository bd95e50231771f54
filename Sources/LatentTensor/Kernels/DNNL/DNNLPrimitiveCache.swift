import Foundation

/// A thread-safe memo of objects that are slow to create (primitives, JIT-compiled kernels).
///
/// `make` runs under the lock, so two threads asking for the same key never compile the
/// same kernel twice; creation is rare, lookups are short.
final class DNNLPrimitiveCache<Key: Hashable, Value> {
    private var entries: [Key: Value] = [:]
    private let lock = NSLock()

    func value(for key: Key, make: () -> Value) -> Value {
        lock.lock()
        defer { lock.unlock() }
        if let value = entries[key] { return value }
        let value = make()
        entries[key] = value
        return value
    }

    var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return entries.count
    }
}
