import Foundation
import LatentImage
import LatentNN
import LatentTensor

/// `latent attribute`: a direction in latent space from the difference of two groups' mean
/// codes (e.g. mean(smiling) − mean(neutral)), as in White 2016 and the DCGAN paper's vector
/// arithmetic. Adding it to an image's code and decoding moves the image towards the attribute.
public struct AttributeDirection {
    /// mean code of `to` − mean code of `from`, [D].
    public var vector: [Float]
    public var fromCount: Int
    public var toCount: Int

    /// Encodes every image of both folders (posterior means) and subtracts the means.
    public static func compute(_ model: GenerativeModel, from: String, to: String) throws -> AttributeDirection {
        _ = try model.requireEncoder(for: "find attribute directions")
        func meanCode(_ folder: String) throws -> ([Float], Int) {
            let images = try GenerativeImages(folder: folder, channels: model.channels, size: model.imageSize)
            let codes = try model.encode(images.batch(Array(0..<images.count)))
            return (codes.mean(axes: [0]).toArray(), images.count)
        }
        let (a, na) = try meanCode(from)
        let (b, nb) = try meanCode(to)
        return AttributeDirection(vector: zip(b, a).map { $0 - $1 }, fromCount: na, toCount: nb)
    }

    /// Each image's code plus `strength`·direction, decoded. Returns one image per path.
    public func apply(_ model: GenerativeModel, to paths: [String], strength: Float) throws -> [Image] {
        let codes = try model.encode(model.loadImages(paths)).toArray()
        let d = vector.count
        let moved = codes.enumerated().map { k, value in value + strength * vector[k % d] }
        return ImageGrid.images(model.decode(Tensor(moved, shape: [paths.count, d])))
    }

    /// Writes the direction as a safetensors file: tensor `direction` [D], metadata naming
    /// the model and folders.
    public func save(to path: String, metadata: [String: String]) throws {
        var meta = metadata
        meta["latent.attribute.from_count"] = String(fromCount)
        meta["latent.attribute.to_count"] = String(toCount)
        let tensor = try StoredTensor(floats: vector, shape: [vector.count])
        try SafeTensorsFile(tensors: ["direction": tensor], metadata: meta, sourceName: path).write(toPath: path)
    }
}
