/// How the elements of a 4-D tensor are laid out in memory.
///
/// Activations stay in oneDNN's channel-blocked layout between convolutions, because oneDNN
/// convolves blocked data about twice as fast as plain NCHW and reordering at every layer
/// would eat the gain. Only 4-D tensors whose channel count is a multiple of 16 are ever
/// blocked, so a blocked tensor has exactly as many elements as its plain twin and
/// element-wise kernels can run on either layout unchanged.
public enum TensorLayout: Equatable, Sendable {
    /// Row-major in the order of `shape` (NCHW for images).
    case plain
    /// oneDNN `nChw16c`: [N, C/16, H, W, 16].
    case blocked16

    public static let blockSize = 16

    /// Whether a tensor of this shape may be stored blocked.
    public static func canBlock(_ shape: [Int]) -> Bool {
        shape.count == 4 && shape[1] % blockSize == 0 && shape[1] > 0
    }
}
