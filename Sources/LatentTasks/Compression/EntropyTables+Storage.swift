import LatentNN

extension EntropyTables {
    /// Tensor-name prefix of the tables in a model file (next to the network's own tensors).
    public static let tensorPrefix = "entropy_tables."

    /// The tables as model-file tensors: `median` F32 [C], `offset` I32 [C], `cdf_length` I32 [C]
    /// and `cdf` I32 [Σ cdf_length] (the channels' CDFs back to back).
    public func storedTensors() throws -> [String: StoredTensor] {
        func int32s(_ values: [Int32], _ shape: [Int]) throws -> StoredTensor {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(values.count * 4)
            for v in values { withUnsafeBytes(of: UInt32(bitPattern: v).littleEndian) { bytes += $0 } }
            return try StoredTensor(dtype: .i32, shape: shape, bytes: bytes)
        }
        let flat = cdfs.flatMap { $0.map { Int32(bitPattern: $0) } }
        let p = Self.tensorPrefix
        return [
            p + "median": try StoredTensor(floats: medians, shape: [channels]),
            p + "offset": try int32s(offsets, [channels]),
            p + "cdf_length": try int32s(cdfs.map { Int32($0.count) }, [channels]),
            p + "cdf": try int32s(flat, [flat.count]),
        ]
    }

    /// Reads and validates the tables stored by `storedTensors()`.
    public init(storedTensors tensors: [String: StoredTensor], source: String) throws {
        let p = Self.tensorPrefix
        func tensor(_ name: String) throws -> StoredTensor {
            guard let t = tensors[p + name] else {
                throw EntropyTablesError(reason: "\(source) has no \(p + name): not a frozen codec (train it with `latent train compress`)")
            }
            return t
        }
        do {
            let medians = try tensor("median").floats()
            let offsets = try tensor("offset").int64s()
            let lengths = try tensor("cdf_length").int64s()
            let flat = try tensor("cdf").int64s()
            guard lengths.allSatisfy({ $0 >= 0 && $0 <= 1 << 20 }), Int(lengths.reduce(0, +)) == flat.count,
                  flat.allSatisfy({ $0 >= 0 && $0 <= 1 << Int64(Self.precision) }),
                  offsets.allSatisfy({ abs($0) <= Int64(Self.escapeLimit) }) else {
                throw EntropyTablesError(reason: "\(source): malformed entropy tables")
            }
            var cdfs: [[UInt32]] = []
            var start = 0
            for length in lengths {
                cdfs.append(flat[start..<start + Int(length)].map { UInt32($0) })
                start += Int(length)
            }
            try self.init(medians: medians, offsets: offsets.map { Int32($0) }, cdfs: cdfs)
        } catch let error as EntropyTablesError {
            throw error.reason.hasPrefix(source) ? error : EntropyTablesError(reason: "\(source): \(error.reason)")
        } catch {
            throw EntropyTablesError(reason: "\(source): \(error)")
        }
    }
}
