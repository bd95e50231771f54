import Foundation
import LatentNN
import LatentTensor

extension EntropyTables {
    /// Probability left outside the tables (in both tails together) before escapes take over;
    /// CompressAI's default.
    public static let defaultTailMass = 1e-9

    /// Freezes a trained density: per channel, finds the median and the two tail quantiles of
    /// its learned CDF (by bisection: the CDF is monotone by construction), takes the integer
    /// range between the tails, evaluates the probability of each integer offset from the
    /// median, adds the tails' mass as the escape symbol, and quantizes to 2^precision.
    ///
    /// Floating point happens only here, once; the same weights give the same tables on the
    /// same build (tested), and the tables are stored, so decoding never recomputes them.
    public init(density: FactorizedDensity, tailMass: Double = EntropyTables.defaultTailMass) throws {
        let channels = density.channels
        let tailLogit = Float(log(2 / tailMass - 1))
        let (medians, lowerTails, upperTails) = Autograd.withoutGrad { () -> ([Float], [Float], [Float]) in
            let solved = Self.solve(density, targets: [0, -tailLogit, tailLogit])
            return (solved.map { $0[0] }, solved.map { $0[1] }, solved.map { $0[2] })
        }
        let h = Float(Self.maximumHalfWidth)
        let below = (0..<channels).map { Int(min(max((medians[$0] - lowerTails[$0]).rounded(.up), 0), h)) }
        let above = (0..<channels).map { Int(min(max((upperTails[$0] - medians[$0]).rounded(.up), 0), h)) }
        let lengths = (0..<channels).map { below[$0] + above[$0] + 1 }
        let longest = lengths.max() ?? 1

        // The probability of each integer median − below … median + above, channel by channel
        // ([1, C, 1, longest], shorter rows padded with their last sample), and the mass beyond.
        var samples = [Float](repeating: 0, count: channels * longest)
        var outer = [Float](repeating: 0, count: channels * 2)
        for c in 0..<channels {
            for k in 0..<longest {
                samples[c * longest + k] = medians[c] - Float(below[c]) + Float(min(k, lengths[c] - 1))
            }
            outer[c * 2] = medians[c] - Float(below[c]) - 0.5
            outer[c * 2 + 1] = medians[c] + Float(above[c]) + 0.5
        }
        let (pmf, edges) = Autograd.withoutGrad { () -> ([Float], [Float]) in
            let p = density.likelihood(Tensor(samples, shape: [1, channels, 1, longest])).toArray()
            let e = density.cumulativeLogits(Tensor(outer, shape: [1, channels, 1, 2])).toArray()
            return (p, e)
        }
        var cdfs: [[UInt32]] = []
        for c in 0..<channels {
            let probabilities = (0..<lengths[c]).map { Double(pmf[c * longest + $0]) }
            let tails = Self.sigmoid(Double(edges[c * 2])) + Self.sigmoid(-Double(edges[c * 2 + 1]))
            cdfs.append(Self.quantizedCDF(probabilities + [tails]))
        }
        try self.init(medians: medians, offsets: below.map { Int32(-$0) }, cdfs: cdfs)
    }

    /// For each channel, x with cumulativeLogits(x) = target, for each target (the logits are
    /// increasing): brackets grown by doubling, then 60 bisection steps (Float resolution).
    static func solve(_ density: FactorizedDensity, targets: [Float]) -> [[Float]] {
        let channels = density.channels, t = targets.count
        func logits(_ x: [Float]) -> [Float] {
            density.cumulativeLogits(Tensor(x, shape: [1, channels, 1, t])).toArray()
        }
        let wanted = (0..<channels * t).map { targets[$0 % t] }
        var lo = [Float](repeating: -1, count: channels * t)
        var hi = [Float](repeating: 1, count: channels * t)
        for _ in 0..<40 {
            let (fl, fh) = (logits(lo), logits(hi))
            var done = true
            for i in lo.indices {
                if fl[i] > wanted[i] && lo[i] > -1e8 { lo[i] *= 2; done = false }
                if fh[i] < wanted[i] && hi[i] < 1e8 { hi[i] *= 2; done = false }
            }
            if done { break }
        }
        for _ in 0..<60 {
            let mid = zip(lo, hi).map { ($0 + $1) / 2 }
            let f = logits(mid)
            for i in mid.indices {
                if f[i] < wanted[i] { lo[i] = mid[i] } else { hi[i] = mid[i] }
            }
        }
        return (0..<channels).map { c in (0..<t).map { (lo[c * t + $0] + hi[c * t + $0]) / 2 } }
    }

    /// Cumulative frequencies (0 … 2^precision) for these probabilities: every symbol gets 1,
    /// the rest is shared in proportion (floor), and what the floors leave goes one each to the
    /// largest remainders (ties to the lower index). Deterministic; non-finite or negative
    /// inputs count as 0, and all-zero inputs give a uniform table.
    static func quantizedCDF(_ probabilities: [Double]) -> [UInt32] {
        let total = 1 << precision
        let n = probabilities.count
        precondition(n >= 1 && n < total, "\(n) symbols do not fit 2^\(precision)")
        var p = probabilities.map { $0.isFinite && $0 > 0 ? $0 : 0 }
        var sum = p.reduce(0, +)
        if !(sum > 0) { p = [Double](repeating: 1, count: n); sum = Double(n) }
        let spare = Double(total - n)
        let shares = p.map { $0 / sum * spare }
        var frequencies = shares.map { 1 + Int($0.rounded(.down)) }
        let leftover = total - frequencies.reduce(0, +)
        let order = shares.indices.sorted {
            let (a, b) = (shares[$0] - shares[$0].rounded(.down), shares[$1] - shares[$1].rounded(.down))
            return a != b ? a > b : $0 < $1
        }
        for i in order.prefix(max(leftover, 0)) { frequencies[i] += 1 }
        // Rounding in the sum could in principle overshoot by a count; take it from the largest.
        var excess = -min(leftover, 0)
        while excess > 0, let largest = frequencies.indices.max(by: { frequencies[$0] < frequencies[$1] }) {
            frequencies[largest] -= 1
            excess -= 1
        }
        var cdf: [UInt32] = [0]
        for f in frequencies { cdf.append(cdf.last! + UInt32(f)) }
        return cdf
    }

    static func sigmoid(_ x: Double) -> Double { 1 / (1 + exp(-x)) }
}
