import Foundation
import LatentImage
import LatentTensor

/// `latent generate`: images drawn from the prior, as one grid or as separate files.
public enum GenerativeSampling {
    public enum Output: Equatable {
        /// One PNG holding a rows × columns grid with a thin white gutter.
        case grid(path: String, rows: Int, columns: Int)
        /// `count` PNGs at native size in a folder: sample-0000.png, sample-0001.png, …
        case files(folder: String, count: Int)
    }

    /// The decoded samples. Codes come from `GenerativeModel.sampleCodes`, so the same seed
    /// and temperature give the same images (and PNG bytes) on every run and thread count.
    public static func draw(_ model: GenerativeModel, count: Int, seed: UInt64, temperature: Float) -> [Image] {
        ImageGrid.images(model.decode(model.sampleCodes(count: count, seed: seed, temperature: temperature)))
    }

    /// Draws and writes; returns the paths written.
    @discardableResult
    public static func run(_ model: GenerativeModel, output: Output, seed: UInt64, temperature: Float) throws -> [String] {
        switch output {
        case .grid(let path, let rows, let columns):
            let images = draw(model, count: rows * columns, seed: seed, temperature: temperature)
            try ImageGrid.tile(images, rows: rows, columns: columns).write(to: path, format: .png)
            return [path]
        case .files(let folder, let count):
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let images = draw(model, count: count, seed: seed, temperature: temperature)
            return try images.enumerated().map { k, image in
                let path = (folder as NSString).appendingPathComponent(String(format: "sample-%04d.png", k))
                try image.write(to: path, format: .png)
                return path
            }
        }
    }
}
