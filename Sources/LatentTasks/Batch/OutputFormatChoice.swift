import LatentImage

/// `--format`: which image format outputs are written in.
public enum OutputFormatChoice: String, Sendable, CaseIterable {
    case png
    case jpg
    /// The input's own format (by content, not by name).
    case same

    /// The format for an input of `source` format. Alpha cannot go to JPEG: such images go to
    /// PNG, and the returned note says so.
    public func format(source: ImageFormat, hasAlpha: Bool) -> (format: ImageFormat, note: String?) {
        let wanted: ImageFormat = self == .png ? .png : self == .jpg ? .jpeg : source
        if wanted == .jpeg && hasAlpha {
            return (.png, "has alpha, which JPEG cannot store: written as PNG")
        }
        return (wanted, nil)
    }
}
