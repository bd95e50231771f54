import Foundation
import LatentImage

/// Decode and re-encode one file (`latent convert`): orientation applied by the decoder, ICC
/// profile kept, output format from the output extension, atomic write.
public enum ImageConvert {
    public struct Options: Sendable, Equatable {
        public var write: ImageWriteOptions
        public var limits: ImageLimits
        public init(write: ImageWriteOptions = ImageWriteOptions(), limits: ImageLimits = .default) {
            self.write = write
            self.limits = limits
        }
    }

    /// What happened, for the command to print.
    public struct Report: Sendable, Equatable {
        public var input: ImageInfo
        public var outputFormat: ImageFormat
        public var warnings: [String]
        /// Notes about changes the output format forced (e.g. alpha dropped for JPEG).
        public var notes: [String]
    }

    public static func run(input: String, output: String, options: Options = Options()) throws -> Report {
        guard let format = ImageFormat(fileExtensionOf: output) else {
            throw ImageError.invalidArgument(path: output, reason: "unknown output extension (use .png, .jpg or .jpeg)")
        }
        if sameFile(input, output) {
            throw ImageError.invalidArgument(path: output, reason: "output is the input file; refusing to overwrite it")
        }
        let header = try ImageHeader(contentsOf: input, limits: options.limits)
        var image = try Image(contentsOf: input, limits: options.limits)
        var notes: [String] = []
        if format == .jpeg, image.layout.hasAlpha {
            // JPEG has no alpha: composite over white, the usual viewer background.
            let (color, alpha) = image.splittingAlpha()
            var flattened = color.samples
            let n = image.pixelCount
            for c in 0..<color.channelCount {
                for i in 0..<n { flattened[c * n + i] = flattened[c * n + i] * alpha![i] + (1 - alpha![i]) }
            }
            image = color.replacing(samples: flattened)
            notes.append("alpha composited over white (JPEG has no alpha)")
        }
        try image.write(to: output, format: format, options: options.write)
        return Report(input: ImageInfo(header: header, path: input), outputFormat: format,
                      warnings: image.warnings, notes: notes)
    }

    /// True when both paths name the same existing file (also through links or "./" spellings).
    static func sameFile(_ a: String, _ b: String) -> Bool {
        var sa = stat(), sb = stat()
        guard stat(a, &sa) == 0, stat(b, &sb) == 0 else {
            return URL(fileURLWithPath: a).standardizedFileURL == URL(fileURLWithPath: b).standardizedFileURL
        }
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino
    }
}
