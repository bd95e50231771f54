import Foundation
import LatentImage

/// The decoded images of a training or validation folder, converted to the model's channels.
///
/// Decoded once and kept in memory as planar floats (photos400 in RGB is about 0.7 GB):
/// patches are cut from memory at every step, so decoding never limits training speed.
public struct TrainingImages {
    public var images: [Image]
    public var paths: [String]
    /// Files that could not be used, with the reason (reported, never fatal).
    public var skipped: [(path: String, reason: String)]

    /// Loads every PNG/JPEG under `folder` (recursively, sorted), as gray (1) or RGB (3).
    public init(folder: String, channels: Int, minimumSide: Int = 0) throws {
        let files = try ImageFiles.list(folder, recursive: true)
        guard !files.isEmpty else { throw TaskError.noImages(folder) }
        images = []; paths = []; skipped = []
        for path in files {
            do {
                let decoded = try Image(contentsOf: path)
                let converted = channels == 1 ? decoded.grayscale() : decoded.rgb()
                guard converted.width >= minimumSide && converted.height >= minimumSide else {
                    skipped.append((path, "smaller than \(minimumSide)×\(minimumSide)")); continue
                }
                images.append(converted.colorPlanes)
                paths.append(path)
            } catch {
                skipped.append((path, "\(error)"))
            }
        }
        guard !images.isEmpty else { throw TaskError.noImages(folder) }
    }

    public var count: Int { images.count }
}
