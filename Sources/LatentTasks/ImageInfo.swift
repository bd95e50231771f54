import Foundation
import LatentImage

/// What `latent info` reports about one file, from its header only (no pixel decode).
public struct ImageInfo: Sendable, Equatable, Encodable {
    public var path: String
    public var format: String
    public var width: Int
    public var height: Int
    public var channels: Int
    public var layout: String
    public var bitDepth: Int
    public var colorModel: String
    public var orientation: Int
    public var progressive: Bool
    public var iccProfile: Bool
    public var iccProfileBytes: Int

    public init(header: ImageHeader, path: String) {
        self.path = path
        format = header.format.description
        width = header.width
        height = header.height
        channels = header.layout.channelCount
        layout = header.layout.description
        bitDepth = header.bitDepth
        colorModel = header.colorModel
        orientation = header.orientation
        progressive = header.isProgressive
        iccProfile = header.iccProfile != nil
        iccProfileBytes = header.iccProfile?.count ?? 0
    }

    /// Reads the header of `path`; throws `ImageError` naming the file.
    public static func read(_ path: String, limits: ImageLimits = .default) throws -> ImageInfo {
        ImageInfo(header: try ImageHeader(contentsOf: path, limits: limits), path: path)
    }

    /// One human-readable line, e.g. `a.jpg: JPEG 640×427, 3 channels (RGB, YCbCr), 8-bit, orientation 1, no ICC`.
    public var text: String {
        let icc = iccProfile ? "ICC \(iccProfileBytes) bytes" : "no ICC"
        let scan = progressive ? (format == "PNG" ? ", interlaced" : ", progressive") : ""
        return "\(path): \(format) \(width)×\(height), \(channels) channel\(channels == 1 ? "" : "s") (\(layout), \(colorModel)), \(bitDepth)-bit, orientation \(orientation)\(scan), \(icc)"
    }

    /// One JSON object on one line (keys sorted, so output is stable).
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: encoder.encode(self), as: UTF8.self)) ?? "{}"
    }
}
