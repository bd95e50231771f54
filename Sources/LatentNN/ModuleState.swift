import Foundation
import LatentTensor

/// Saving and loading a module's tensors as a safetensors file with PyTorch `state_dict` names.
extension Module {
    /// The module's tensors as stored tensors (F32, plain layout), keyed by PyTorch name,
    /// plus integer buffers such as batch norm's `num_batches_tracked` (I64).
    public func stateDict() throws -> [String: StoredTensor] {
        var result: [String: StoredTensor] = [:]
        for (name, tensor) in namedTensors() {
            result[name] = try StoredTensor(floats: tensor.toArray(), shape: tensor.shape)
        }
        for (name, value) in namedIntegerBuffers() {
            result[name] = try StoredTensor(int64s: [Int64(value)], shape: [])
        }
        return result
    }

    /// Copies values from `tensors` into this module's tensors. With `strict`, every tensor of
    /// the module must be present and no extra entry may exist (PyTorch's `strict=True`).
    public func loadStateDict(_ tensors: [String: StoredTensor], strict: Bool = true, source: String = "weights") throws {
        let own = namedTensors()
        let integerNames = Set(namedIntegerBuffers().map(\.0))
        if strict {
            let expected = Set(own.map(\.0)).union(integerNames)
            let unexpected = Set(tensors.keys).subtracting(expected).sorted()
            guard unexpected.isEmpty else {
                throw ModuleStateError(source: source, reason: "unexpected tensors: \(unexpected.joined(separator: ", "))")
            }
        }
        for (name, tensor) in own {
            guard let stored = tensors[name] else {
                if strict { throw ModuleStateError(source: source, reason: "missing tensor \"\(name)\"") }
                continue
            }
            guard stored.shape == tensor.shape else {
                throw ModuleStateError(source: source, reason: "tensor \"\(name)\" has shape \(stored.shape), the model expects \(tensor.shape)")
            }
            let values = try stored.floats()
            tensor.withUnsafeMutableBufferPointer { dst in _ = dst.update(fromContentsOf: values) }
            tensor.storage.markModified()
        }
        for name in integerNames {
            if let stored = tensors[name], let value = try stored.int64s().first {
                setIntegerBuffer(name, Int(value))
            }
        }
    }

    /// Integer buffers of the whole tree (batch norm's step counters), by PyTorch name.
    public func namedIntegerBuffers() -> [(String, Int)] {
        var result = localIntegerBuffers()
        for (name, child) in namedChildren() {
            result += child.namedIntegerBuffers().map { ("\(name).\($0.0)", $0.1) }
        }
        return result
    }

    func setIntegerBuffer(_ qualifiedName: String, _ value: Int) {
        // The longest child name that prefixes the key owns it ("blocks.0" before "blocks").
        let owner = namedChildren().filter { qualifiedName.hasPrefix($0.0 + ".") }.max { $0.0.count < $1.0.count }
        if let (name, child) = owner {
            child.setIntegerBuffer(String(qualifiedName.dropFirst(name.count + 1)), value)
        } else {
            setLocalIntegerBuffer(qualifiedName, value)
        }
    }
}

public struct ModuleStateError: Error, CustomStringConvertible {
    public var source: String
    public var reason: String
    public var description: String { "\(source): \(reason)" }
}
