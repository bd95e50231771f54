import Foundation
import LatentImage
import LatentModels
import LatentTensor

/// A trained VAE, autoencoder or GAN, in evaluation mode, behind one interface: latent codes
/// in, images out (and, for the autoencoders, images in, codes out).
public final class GenerativeModel {
    public enum Network {
        case autoencoder(ConvAutoencoder)
        case gan(DCGAN)
    }

    public let network: Network
    public let path: String

    /// Decoding runs in chunks of this many codes, so memory stays bounded for large `--count`.
    static let chunk = 64

    public init(network: Network, path: String = "<memory>") {
        self.network = network
        self.path = path
        switch network {
        case .autoencoder(let m): m.eval()
        case .gan(let m): m.eval()
        }
    }

    /// Loads a model file whose kind is "vae", "ae" or "gan".
    public convenience init(modelPath: String) throws {
        let file = try ModelFile(path: modelPath)
        let kind = try file.kind
        switch kind {
        case AutoencoderArchitecture.variationalKind, AutoencoderArchitecture.plainKind:
            let architecture = try file.architecture(AutoencoderArchitecture.self)
            if let problem = architecture.problem { throw TaskError.invalidOption("\(modelPath): \(problem)") }
            let model = ConvAutoencoder(architecture, seed: 0)
            try file.load(into: model)
            self.init(network: .autoencoder(model), path: modelPath)
        case GANArchitecture.kindName:
            let architecture = try file.architecture(GANArchitecture.self)
            if let problem = architecture.problem { throw TaskError.invalidOption("\(modelPath): \(problem)") }
            let model = DCGAN(architecture, seed: 0)
            try file.load(into: model)
            self.init(network: .gan(model), path: modelPath)
        default:
            throw TaskError.wrongModelKind(model: modelPath, expected: "vae, ae or gan", found: kind)
        }
    }

    public var kind: String {
        switch network {
        case .autoencoder(let m): return m.architecture.kind
        case .gan(let m): return m.architecture.kind
        }
    }

    public var latentDim: Int {
        switch network {
        case .autoencoder(let m): return m.architecture.latentDim
        case .gan(let m): return m.architecture.latentDim
        }
    }

    public var imageSize: Int {
        switch network {
        case .autoencoder(let m): return m.architecture.imageSize
        case .gan(let m): return m.architecture.imageSize
        }
    }

    public var channels: Int {
        switch network {
        case .autoencoder(let m): return m.architecture.channels
        case .gan(let m): return m.architecture.channels
        }
    }

    /// Whether codes follow N(0, I) (VAE posterior/prior, GAN noise), so that spherical
    /// interpolation and sampling from the prior make sense. A plain autoencoder's codes
    /// follow no known distribution.
    public var hasGaussianLatents: Bool { kind != AutoencoderArchitecture.plainKind }

    /// `count` codes from N(0, temperature²·I), drawn one after another from a generator
    /// seeded with `seed`: code k is the same whatever `count` (so `--count 4` repeats the first
    /// four of `--count 64`) and whatever the thread count.
    public func sampleCodes(count: Int, seed: UInt64, temperature: Float = 1) -> Tensor {
        var rng = RandomSource(seed: seed)
        return Tensor.normal([count, latentDim], std: temperature, using: &rng)
    }

    /// Images in [0, 1] from codes. codes: [N, D] → [N, C, S, S]
    public func decode(_ codes: Tensor) -> Tensor {
        precondition(codes.rank == 2 && codes.shape[1] == latentDim, "codes \(codes.shape) for a \(latentDim)-dimensional model")
        let n = codes.shape[0]
        let pieces = stride(from: 0, to: n, by: GenerativeModel.chunk).map { start in
            Autograd.withoutGrad {
                let z = codes.slice(axis: 0, range: start..<min(start + GenerativeModel.chunk, n))
                switch network {
                case .autoencoder(let m): return m.decode(z).plain()
                case .gan(let m): return m.generator.images(z).plain()
                }
            }
        }
        return Autograd.withoutGrad { concat(pieces, axis: 0) }
    }

    /// The encoder, for the autoencoders; a GAN has none.
    public func requireEncoder(for purpose: String) throws -> ConvAutoencoder {
        guard case .autoencoder(let m) = network else {
            throw TaskError.invalidOption("\(path): a GAN has no encoder, so it cannot \(purpose); use a vae or ae model")
        }
        return m
    }

    /// Posterior means (the code itself for a plain autoencoder) of images in [0, 1].
    /// batch: [N, C, S, S] → [N, D]
    public func encode(_ batch: Tensor) throws -> Tensor {
        let model = try requireEncoder(for: "encode images")
        let n = batch.shape[0]
        let pieces = stride(from: 0, to: n, by: GenerativeModel.chunk).map { start in
            Autograd.withoutGrad {
                model.encode(batch.slice(axis: 0, range: start..<min(start + GenerativeModel.chunk, n))).mean.plain()
            }
        }
        return Autograd.withoutGrad { concat(pieces, axis: 0) }
    }

    /// Image files made model-ready (see `GenerativeImages.prepare`) as a batch [N, C, S, S].
    public func loadImages(_ paths: [String]) throws -> Tensor {
        var values: [Float] = []
        for path in paths {
            values += GenerativeImages.prepare(try Image(contentsOf: path), channels: channels, size: imageSize)
        }
        return Tensor(values, shape: [paths.count, channels, imageSize, imageSize])
    }
}
