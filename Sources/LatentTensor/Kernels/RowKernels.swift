/// Loops that broadcast or reduce a row vector over the rows of a plain [N, F] matrix
/// (dense activations), shared by both backends.
enum RowKernels {
    /// y[n, f] = x[n, f] + row[f]. x: [N, F], row: [F] → y: [N, F]
    static func addRow(_ x: Tensor, _ row: Tensor) -> Tensor {
        map(x, row) { $0 + $1 }
    }

    /// y[n, f] = x[n, f] · row[f]. x: [N, F], row: [F] → y: [N, F]
    static func multiplyRow(_ x: Tensor, _ row: Tensor) -> Tensor {
        map(x, row) { $0 * $1 }
    }

    @inline(__always)
    private static func map(_ x: Tensor, _ row: Tensor, _ f: (Float, Float) -> Float) -> Tensor {
        let (n, features) = (x.shape[0], x.shape[1])
        precondition(row.count == features, "row of \(row.count) for \(features) features")
        let out = Tensor.empty(x.shape)
        let src = x.storage.pointer, dst = out.storage.pointer, r = row.storage.pointer
        Parallel.forEachChunk(n, minimumChunk: max(1, Parallel.minimumElementsPerWorker / max(features, 1))) { rows in
            for i in rows {
                let base = i * features
                for j in 0..<features { dst[base + j] = f(src[base + j], r[j]) }
            }
        }
        return out
    }

    /// s[f] = Σ_n x[n, f]. x: [N, F] → s: [F]
    static func sumRows(_ x: Tensor) -> Tensor {
        sumRows(x, nil)
    }

    /// s[f] = Σ_n a[n, f]·b[n, f]. a, b: [N, F] → s: [F]
    static func sumRowsOfProduct(_ a: Tensor, _ b: Tensor) -> Tensor {
        sumRows(a, b)
    }

    /// Column sums accumulated in Double, rows in order (so results do not depend on threads).
    private static func sumRows(_ a: Tensor, _ b: Tensor?) -> Tensor {
        let (n, features) = (a.shape[0], a.shape[1])
        var totals = [Double](repeating: 0, count: features)
        let pa = a.storage.pointer, pb = b?.storage.pointer
        for i in 0..<n {
            let base = i * features
            if let pb {
                for j in 0..<features { totals[j] += Double(pa[base + j] * pb[base + j]) }
            } else {
                for j in 0..<features { totals[j] += Double(pa[base + j]) }
            }
        }
        return Tensor(totals.map { Float($0) }, shape: [features])
    }
}
