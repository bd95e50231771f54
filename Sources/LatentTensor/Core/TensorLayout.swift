import CLatentShim

/// How the elements of a 4-D tensor are laid out in memory.
///
/// Activations stay in oneDNN's channel-blocked layout between convolutions, because oneDNN
/// convolves blocked data about twice as fast as plain NCHW and reordering at every layer
/// would eat the gain. The block is the CPU's vector width in floats: 16 channels with
/// AVX-512 (`nChw16c`), 8 otherwise (`nChw8c`) — forcing 16 on an AVX2 machine sends oneDNN
/// to its slow reference kernels (measured: 52 s instead of 7 ms for one layer). Only 4-D
/// tensors whose channel count is a multiple of the block are ever blocked, so a blocked
/// tensor has exactly as many elements as its plain twin and element-wise kernels can run on
/// either layout unchanged.
public enum TensorLayout: Equatable, Sendable {
    /// Row-major in the order of `shape` (NCHW for images).
    case plain
    /// oneDNN `nChw{b}c` with b = `blockSize`: [N, C/b, H, W, b].
    case blocked

    /// Channels per block, chosen once from the CPU.
    public static let blockSize = latent_cpu_has_avx512f() != 0 ? 16 : 8

    /// Whether a tensor of this shape may be stored blocked.
    public static func canBlock(_ shape: [Int]) -> Bool {
        shape.count == 4 && shape[1] % blockSize == 0 && shape[1] > 0
    }
}
