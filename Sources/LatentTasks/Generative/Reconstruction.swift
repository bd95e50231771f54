import Foundation
import LatentImage

/// `latent reconstruct`: images through an autoencoder and back (posterior mean, no sampling).
public enum Reconstruction {
    /// Writes `<folder>/<name>.png` for each input; returns the paths written.
    @discardableResult
    public static func run(_ model: GenerativeModel, images paths: [String], to folder: String) throws -> [String] {
        _ = try model.requireEncoder(for: "reconstruct images")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let outputs = ImageGrid.images(model.decode(try model.encode(model.loadImages(paths))))
        return try zip(paths, outputs).map { path, image in
            let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension + ".png"
            let target = (folder as NSString).appendingPathComponent(name)
            try image.write(to: target, format: .png)
            return target
        }
    }
}
