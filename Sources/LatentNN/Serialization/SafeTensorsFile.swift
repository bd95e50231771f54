// The contents of a safetensors file (https://github.com/huggingface/safetensors): named tensors
// plus a string→string `__metadata__` map. Reading lives in SafeTensorsReader.swift, writing in
// SafeTensorsWriter.swift.

public struct SafeTensorsFile: Equatable, Sendable {
    public var tensors: [String: StoredTensor]
    public var metadata: [String: String]
    /// Where the contents came from ("model.safetensors", "<memory>"); used only in error messages,
    /// so it takes no part in equality.
    public var sourceName: String

    /// The header key that holds the metadata and therefore cannot name a tensor.
    public static let metadataKey = "__metadata__"
    /// Largest header accepted: 100 MB, as in the reference implementation.
    public static let headerLengthLimit = 100_000_000

    public init(tensors: [String: StoredTensor] = [:], metadata: [String: String] = [:], sourceName: String = "<memory>") {
        self.tensors = tensors
        self.metadata = metadata
        self.sourceName = sourceName
    }

    public static func == (lhs: SafeTensorsFile, rhs: SafeTensorsFile) -> Bool {
        lhs.tensors == rhs.tensors && lhs.metadata == rhs.metadata
    }

    /// The tensor called `name`, or an error naming the file and tensor.
    public func tensor(_ name: String) throws -> StoredTensor {
        guard let tensor = tensors[name] else {
            throw SafeTensorsError(source: sourceName, tensor: name, problem: .tensorNotFound)
        }
        return tensor
    }

    /// The tensor called `name` converted to Float; errors name the file and tensor.
    public func floats(_ name: String) throws -> [Float] {
        try attributing(name) { try tensor(name).floats() }
    }

    /// The tensor called `name` converted to Int64; errors name the file and tensor.
    public func int64s(_ name: String) throws -> [Int64] {
        try attributing(name) { try tensor(name).int64s() }
    }

    /// Sorted by UTF-8 bytes (= Unicode code point order), the order Python's `sorted` uses, so
    /// files written by Swift and by the fixture script lay tensors out identically.
    public var sortedTensorNames: [String] {
        tensors.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    private func attributing<T>(_ name: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch var error as SafeTensorsError {
            error.source = sourceName
            error.tensor = name
            throw error
        }
    }
}
