/// What a convolutional model needs from the tiler so that tiles stitch into exactly the image
/// a single whole-image pass would give.
public struct TileRequirements: Sendable, Equatable {
    /// Context on each side of a tile, in input pixels: at least the receptive-field radius, so
    /// that no output pixel kept from a tile sees the tile's edge.
    public var margin: Int
    /// Tile windows start at multiples of this relative to the whole-image frame and have sizes
    /// that are multiples of it (the model's total stride), so strided layers see the same phase.
    public var alignment: Int
    /// Output pixels per input pixel along each side (1 for denoise, 2 or 4 for upscale).
    public var scale: Int

    public init(margin: Int, alignment: Int, scale: Int = 1) {
        precondition(margin >= 0 && alignment >= 1 && scale >= 1, "invalid tile requirements")
        self.margin = margin
        self.alignment = alignment
        self.scale = scale
    }

    /// The margin actually used: rounded up to a multiple of the alignment, so window origins
    /// stay aligned with the whole-image frame.
    public var alignedMargin: Int { (margin + alignment - 1) / alignment * alignment }
}
