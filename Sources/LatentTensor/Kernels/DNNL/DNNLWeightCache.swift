import Foundation

/// Copies derived from a tensor's values (oneDNN-blocked weights, the pointwise form of a
/// stride-k transposed convolution's weights), remembered on the source storage itself.
///
/// Entries are keyed by what derivation made them and stamped with the source's `version`:
/// whoever writes a storage in place calls `markModified()` (optimizers, `loadStateDict`,
/// `Tensor.withUnsafeMutableBufferPointer`), which invalidates every copy. Because the copies
/// hang off the storage, a model's cache is freed with its weights; nothing global holds them.
final class DerivedValues {
    private var entries: [ObjectIdentifier: (version: Int, value: AnyObject)] = [:]
    /// One lock for all storages: lookups are a dictionary probe, derivations run outside it.
    private static let lock = NSLock()

    /// The value derived by `key`'s derivation from the current version of `storage`, made by
    /// `make` when missing or stale. `key` must outlive the entry's use (cached primitives,
    /// static tokens), since only its identity is kept.
    static func value<Value: AnyObject>(of storage: TensorStorage, key: AnyObject, make: () -> Value) -> Value {
        let id = ObjectIdentifier(key)
        lock.lock()
        let version = storage.version
        if let entry = storage.derivedValues?.entries[id], entry.version == version, let value = entry.value as? Value {
            lock.unlock()
            return value
        }
        lock.unlock()
        let value = make()
        lock.lock()
        if storage.derivedValues == nil { storage.derivedValues = DerivedValues() }
        // Keep it only if nobody wrote the storage while we derived.
        if storage.version == version { storage.derivedValues!.entries[id] = (version, value) }
        lock.unlock()
        return value
    }

    /// How many derived copies `storage` holds (tests).
    static func count(of storage: TensorStorage) -> Int {
        lock.lock()
        defer { lock.unlock() }
        return storage.derivedValues?.entries.count ?? 0
    }
}
