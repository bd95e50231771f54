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

    /// Steps in one epoch of random-patch training: enough `batch` × `patch`² patches to cover
    /// as many pixels as the images hold (patches are drawn at random, so an epoch is a
    /// measure of data seen, not a pass in order). At least 1.
    public func stepsPerEpoch(batch: Int, patch: Int) -> Int {
        let pixels = images.reduce(0) { $0 + $1.width * $1.height }
        let perStep = batch * patch * patch
        return max(1, (pixels + perStep - 1) / perStep)
    }
}
