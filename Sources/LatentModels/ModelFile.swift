import Foundation
import LatentNN

/// A trained model on disk: a safetensors file whose tensors are the PyTorch `state_dict`
/// and whose metadata holds the architecture (`latent.architecture`, JSON with a `kind`)
/// and how it was trained (`latent.training`, JSON). See docs/model-format.md.
public struct ModelFile {
    public var path: String
    public var file: SafeTensorsFile

    public init(path: String) throws {
        self.path = path
        file = try SafeTensorsFile(path: path)
    }

    /// The architecture's `kind`, e.g. "denoise-unet".
    public var kind: String {
        get throws {
            struct Kind: Decodable { var kind: String }
            return try JSONDecoder().decode(Kind.self, from: Data(architectureJSON.utf8)).kind
        }
    }

    public var architectureJSON: String {
        get throws {
            guard let json = file.metadata[LatentMetadataKey.architecture] else {
                throw ModelFileError(path: path, reason: "no \(LatentMetadataKey.architecture) in the metadata: not a Latent model")
            }
            return json
        }
    }

    public func architecture<A: Decodable>(_ type: A.Type) throws -> A {
        do {
            return try JSONDecoder().decode(A.self, from: Data(architectureJSON.utf8))
        } catch let error as ModelFileError {
            throw error
        } catch {
            throw ModelFileError(path: path, reason: "architecture JSON does not describe a \(A.self): \(error)")
        }
    }

    /// The training record (command, data, seed, time, metrics), if stored.
    public var trainingJSON: String? { file.metadata[LatentMetadataKey.training] }

    /// Writes `module`'s tensors with the architecture and training record, atomically.
    /// `extraTensors` are stored beside the module's (e.g. a codec's frozen entropy tables) and
    /// must not collide with its names.
    public static func save<A: Encodable>(_ module: Module, architecture: A, trainingJSON: String?,
                                          extraTensors: [String: StoredTensor] = [:], to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var metadata = [
            LatentMetadataKey.formatVersion: LatentMetadataKey.currentFormatVersion,
            LatentMetadataKey.architecture: String(decoding: try encoder.encode(architecture), as: UTF8.self),
        ]
        if let trainingJSON { metadata[LatentMetadataKey.training] = trainingJSON }
        let file = SafeTensorsFile(tensors: try module.stateDict().merging(extraTensors) { own, _ in own },
                                   metadata: metadata, sourceName: path)
        try file.write(toPath: path)
    }

    /// Copies the weights into `module` (strict: names and shapes must match exactly). Tensors
    /// whose names start with one of `ignoring` are not the module's (see `save`'s extras).
    public func load(into module: Module, ignoring prefixes: [String] = []) throws {
        let own = prefixes.isEmpty ? file.tensors : file.tensors.filter { entry in !prefixes.contains { entry.key.hasPrefix($0) } }
        try module.loadStateDict(own, strict: true, source: path)
    }
}

public struct ModelFileError: Error, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "\(path): \(reason)" }

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
}
