import ArgumentParser
import LatentTasks

/// `--max-pixels` / `--max-side`: the decoder's size limits, shared by every command that reads images.
struct ImageLimitOptions: ParsableArguments {
    @Option(help: "Refuse images with more pixels than this (checked from the header).")
    var maxPixels: Int = ImageLimits.default.maxPixels

    @Option(help: "Refuse images wider or taller than this.")
    var maxSide: Int = ImageLimits.default.maxSide

    var limits: ImageLimits { ImageLimits(maxPixels: maxPixels, maxSide: maxSide) }

    func validate() throws {
        guard maxPixels > 0, maxSide > 0 else { throw ValidationError("limits must be positive") }
    }
}
