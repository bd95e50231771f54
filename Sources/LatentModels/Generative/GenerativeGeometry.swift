/// The layer arithmetic shared by the generative models: every level is a 4×4 convolution
/// with stride 2 and padding 1, which maps a side s to s/2 exactly when s is even (and its
/// transposed twin maps s/2 back to s). So 48 → 24 → 12 → 6 and 32 → 16 → 8 → 4.
public enum GenerativeGeometry {
    /// Kernel, stride and padding of every resolution-changing layer.
    public static let kernel = 4, stride = 2, padding = 1

    /// Why the hyper-parameters cannot make a network, or nil when they can.
    public static func problem(imageSize: Int, channels: Int, latentDim: Int, widths: [Int]) -> String? {
        guard channels == 1 || channels == 3 else { return "channels must be 1 or 3, not \(channels)" }
        guard latentDim > 0 else { return "latentDim must be positive" }
        guard !widths.isEmpty, widths.allSatisfy({ $0 > 0 }) else { return "widths must be a non-empty list of positive integers" }
        let factor = 1 << widths.count
        guard imageSize >= factor, imageSize % factor == 0 else {
            return "imageSize \(imageSize) is not a positive multiple of 2^\(widths.count) = \(factor) (one halving per width)"
        }
        return nil
    }
}
