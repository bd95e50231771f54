/// A fully convolutional network seen as "planes in → planes out": what the tiler runs.
/// Denoise implements it now; upscale and colorize will.
public protocol PlaneModel: AnyObject {
    /// Planes the model takes (1 gray, 3 RGB, …).
    var inputChannels: Int { get }
    /// Planes it returns.
    var outputChannels: Int { get }
    var tileRequirements: TileRequirements { get }
    /// Estimated peak bytes per input pixel of a tile window while the network runs (all live
    /// activations, including the window and result buffers). Sets the default tile size from a
    /// memory budget.
    var activationBytesPerPixel: Int { get }
    /// planes: [inputChannels, height, width] with width and height multiples of
    /// `tileRequirements.alignment` → [outputChannels, height·scale, width·scale].
    func run(_ planes: [Float], width: Int, height: Int) -> [Float]
}
