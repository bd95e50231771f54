/// How the H×W planes of a [N, C, H, W] tensor sit in storage, so that one spatial kernel
/// serves both layouts.
///
/// A *group* is a run of `lanes` planes whose pixels are interleaved: plain tensors have
/// groups of one plane (pixel p at `base + p`), blocked tensors groups of `blockSize` channels
/// (pixel p of lane l at `base + p·b + l`). In both layouts group `g` starts at
/// `g · lanes · H·W`, and its lane `l` is channel `(g mod C/lanes)·lanes + l` of image
/// `g / (C/lanes)`. Kernels loop over pixels outside and lanes inside, which keeps the
/// innermost loop contiguous for blocked tensors.
struct PlaneGroups {
    /// Planes per group: 1 (plain) or `TensorLayout.blockSize` (blocked).
    let lanes: Int
    /// Groups in the whole tensor: N·C / lanes.
    let count: Int
    /// Groups per image: C / lanes.
    let perImage: Int

    /// x: [N, C, H, W] in either layout.
    init(_ x: Tensor) {
        precondition(x.rank == 4, "expected [N, C, H, W], got \(x.shape)")
        lanes = x.layout == .blocked ? TensorLayout.blockSize : 1
        perImage = x.shape[1] / lanes
        count = x.shape[0] * perImage
    }

    /// The channel of lane `lane` in group `group`.
    @inline(__always)
    func channel(group: Int, lane: Int) -> Int { (group % perImage) * lanes + lane }

    /// The plain [N·C] plane index of lane `lane` in group `group` (for per-plane side data
    /// such as max-pool indices, which are always kept in plain order).
    @inline(__always)
    func plane(group: Int, lane: Int) -> Int { group * lanes + lane }

    /// Calls `body(group)` for every group, in parallel when the work (`elements` touched in
    /// all) is worth waking the workers for. Groups never share output elements, and the
    /// The channels of a block stay on one worker, so no two workers write one cache line.
    func forEach(elements: Int, _ body: (Int) -> Void) {
        if elements < Parallel.minimumElementsPerWorker {
            for g in 0..<count { body(g) }
        } else {
            Parallel.forEach(count, body)
        }
    }
}
