import Foundation
import LatentTensor

/// Turns true (a*, b*) colours into the classification targets of Zhang et al. (2016):
///
/// - soft encoding: each pixel's target is spread over its `neighbours` nearest bins with
///   Gaussian weights (σ = `sigma`, in ab units), so that near-misses cost little;
/// - class rebalancing: each pixel is weighted by w(nearest bin), w ∝ 1 / ((1 − λ)·p̃ + λ / K)
///   with p̃ the training set's empirical bin distribution smoothed by a Gaussian of σ = `sigma`,
///   normalised so that E_p̃[w] = 1. Without it the loss is dominated by the many desaturated
///   pixels and the prediction drifts to the grey-brown mean; λ = 1 switches it off.
public struct ABClassTargets {
    public let bins: [[Float]]
    public let neighbours: Int
    public let sigma: Float
    /// w per bin (all 1 without a prior).
    public private(set) var classWeights: [Float]
    /// The smoothed prior p̃, when one was given.
    public private(set) var smoothedPrior: [Double]?

    public init(bins: [[Float]], neighbours: Int = 5, sigma: Float = 5) {
        precondition(bins.count >= neighbours && neighbours >= 1, "need at least \(neighbours) bins")
        self.bins = bins
        self.neighbours = neighbours
        self.sigma = sigma
        classWeights = [Float](repeating: 1, count: bins.count)
    }

    /// Sets the rebalancing weights from bin counts (`prior`, any scale) and λ.
    public mutating func rebalance(counts: [Double], lambda: Float) {
        precondition(counts.count == bins.count, "\(counts.count) counts for \(bins.count) bins")
        precondition((0...1).contains(lambda), "λ must be in [0, 1]")
        let k = bins.count
        let total = max(counts.reduce(0, +), 1e-12)
        var smoothed = [Double](repeating: 0, count: k)
        let twoSigma2 = 2 * Double(sigma * sigma)
        for i in 0..<k {
            var s = 0.0
            for j in 0..<k where counts[j] > 0 {
                let da = Double(bins[i][0] - bins[j][0]), db = Double(bins[i][1] - bins[j][1])
                s += counts[j] / total * exp(-(da * da + db * db) / twoSigma2)
            }
            smoothed[i] = s
        }
        let smoothedTotal = max(smoothed.reduce(0, +), 1e-12)
        smoothed = smoothed.map { $0 / smoothedTotal }
        var weights = smoothed.map { 1 / ((1 - Double(lambda)) * $0 + Double(lambda) / Double(k)) }
        let expectation = zip(smoothed, weights).map(*).reduce(0, +)
        weights = weights.map { $0 / expectation }
        classWeights = weights.map(Float.init)
        smoothedPrior = smoothed
    }

    /// The nearest bin of (a, b).
    public func nearestBin(_ a: Float, _ b: Float) -> Int {
        var best = 0, bestDistance = Float.infinity
        for (k, c) in bins.enumerated() {
            let d = (c[0] - a) * (c[0] - a) + (c[1] - b) * (c[1] - b)
            if d < bestDistance { bestDistance = d; best = k }
        }
        return best
    }

    /// How often each bin is the nearest, over ab planes [2, pixels] (a then b).
    public func counts(ab: UnsafeBufferPointer<Float>, into counts: inout [Double]) {
        let n = ab.count / 2
        for i in 0..<n { counts[nearestBin(ab[i], ab[n + i])] += 1 }
    }

    /// ab: [N, 2, h, w] → soft targets [N, K, h, w] and pixel weights [N, 1, h, w].
    public func encode(_ ab: Tensor) -> (targets: Tensor, weights: Tensor) {
        precondition(ab.rank == 4 && ab.shape[1] == 2, "encode wants [N, 2, h, w], got \(ab.shape)")
        let (n, s, k, m) = (ab.shape[0], ab.shape[2] * ab.shape[3], bins.count, neighbours)
        let targets = Tensor.zeros([n, k, ab.shape[2], ab.shape[3]])
        let weights = Tensor.empty([n, 1, ab.shape[2], ab.shape[3]])
        let src = ab.plain().toArray()
        let centres = bins.flatMap { $0 }
        let inverseTwoSigma2 = 1 / (2 * sigma * sigma)
        targets.withUnsafeMutableBufferPointer { t in
            weights.withUnsafeMutableBufferPointer { w in
                var nearest = [Int](repeating: 0, count: m), distances = [Float](repeating: 0, count: m)
                var values = [Float](repeating: 0, count: m)
                for image in 0..<n {
                    for q in 0..<s {
                        let a = src[image * 2 * s + q], b = src[image * 2 * s + s + q]
                        // The m nearest bins, kept sorted by distance (insertion; m is small).
                        var found = 0
                        for c in 0..<k {
                            let da = centres[2 * c] - a, db = centres[2 * c + 1] - b
                            let d = da * da + db * db
                            if found == m && d >= distances[m - 1] { continue }
                            var slot = min(found, m - 1)
                            while slot > 0 && distances[slot - 1] > d {
                                distances[slot] = distances[slot - 1]; nearest[slot] = nearest[slot - 1]
                                slot -= 1
                            }
                            distances[slot] = d; nearest[slot] = c
                            found = min(found + 1, m)
                        }
                        // Gaussian weights relative to the nearest (exp(0) = 1 for it: no underflow).
                        var total: Float = 0
                        for j in 0..<found {
                            values[j] = expf(-(distances[j] - distances[0]) * inverseTwoSigma2)
                            total += values[j]
                        }
                        for j in 0..<found { t[(image * k + nearest[j]) * s + q] = values[j] / total }
                        w[image * s + q] = classWeights[nearest[0]]
                    }
                }
            }
        }
        return (targets, weights)
    }
}
