import Foundation
import LatentModels
import LatentTensor

/// Two checks of a GAN that need no other network, on pixel vectors in [0, 1] (L2 distance
/// over all C·S·S values):
/// - **diversity**: the mean pairwise distance of `sampleCount` samples, next to the same
///   measure for as many real test images (mode collapse shows as a much smaller number);
/// - **memorisation**: each sample's distance to its nearest training image, against the
///   typical distance from a held-out test image to its nearest training image. Samples
///   much closer to the training set than real unseen images are copies, not generalisation.
public struct GANEvaluation {
    public var samples = 0
    public var diversity = 0.0
    public var testDiversity = 0.0
    /// Nearest-training-image distances.
    public var sampleNearestMean = 0.0
    public var sampleNearestMedian = 0.0
    public var testNearestMedian = 0.0
    /// The 5th percentile of the nearest distances of the test images that are not duplicates
    /// of training images (FER-2013, behind faces48, has some across its splits).
    public var testNearestP5 = 0.0
    /// Samples nearer to a training image than 95% of (non-duplicate) test images are: ≈ 0.05
    /// when the generator does not copy, → 1 when it does.
    public var fractionCloserThanP5 = 0.0
    /// Near-duplicates: nearest training image within an RMS pixel difference of
    /// `duplicateRMS` (about 2.5 gray levels), for samples and for test images.
    public var sampleDuplicateFraction = 0.0
    public var testDuplicateFraction = 0.0
    public static let duplicateRMS = 0.01
    public var testImagesUsed = 0
    public var trainingImages = 0

    /// median sample distance / median test distance: ≈ 1 or above is healthy, ≪ 1 is memorisation.
    public var memorisationRatio: Double { sampleNearestMedian / max(testNearestMedian, 1e-12) }

    /// `maxTest` test images (evenly spaced, so the subset is fixed) bound the cost:
    /// each costs one pass over the training set.
    public static func run(_ model: GenerativeModel, train: GenerativeImages, test: GenerativeImages,
                           sampleCount: Int = 64, seed: UInt64 = 0, maxTest: Int = 512) -> GANEvaluation {
        var result = GANEvaluation()
        let samples = model.decode(model.sampleCodes(count: sampleCount, seed: seed)).reshaped([sampleCount, -1])
        let testIndices = (0..<min(maxTest, test.count)).map { $0 * test.count / min(maxTest, test.count) }
        let testBatch = test.batch(testIndices).reshaped([testIndices.count, -1])
        result.samples = sampleCount
        result.testImagesUsed = testIndices.count
        result.trainingImages = train.count
        result.diversity = meanPairwiseDistance(samples)
        result.testDiversity = meanPairwiseDistance(testBatch.slice(axis: 0, range: 0..<min(sampleCount, testIndices.count)))

        let sampleNearest = nearestDistances(samples, to: train)
        let testNearest = nearestDistances(testBatch, to: train).sorted()
        let sortedSamples = sampleNearest.sorted()
        result.sampleNearestMean = sampleNearest.reduce(0, +) / Double(sampleNearest.count)
        result.sampleNearestMedian = sortedSamples[sortedSamples.count / 2]
        result.testNearestMedian = testNearest[testNearest.count / 2]
        let duplicate = duplicateRMS * Double(train.valuesPerImage).squareRoot()
        let unseen = testNearest.filter { $0 >= duplicate }
        result.testNearestP5 = unseen.isEmpty ? 0 : unseen[unseen.count * 5 / 100]
        result.fractionCloserThanP5 = Double(sampleNearest.filter { $0 < result.testNearestP5 }.count) / Double(sampleCount)
        result.sampleDuplicateFraction = Double(sampleNearest.filter { $0 < duplicate }.count) / Double(sampleCount)
        result.testDuplicateFraction = Double(testNearest.count - unseen.count) / Double(max(testNearest.count, 1))
        return result
    }

    /// Mean of ‖a_i − a_j‖ over pairs i < j. rows: [M, P]
    static func meanPairwiseDistance(_ rows: Tensor) -> Double {
        let squared = squaredDistances(rows, rows)
        let m = rows.shape[0]
        var total = 0.0
        for i in 0..<m { for j in i + 1..<m { total += squared[i * m + j].squareRoot() } }
        return total / Double(max(m * (m - 1) / 2, 1))
    }

    /// For each row of `queries` [M, P], the distance to its nearest image of `set`. The
    /// search runs as GEMMs over chunks of the set (‖a − b‖² = ‖a‖² + ‖b‖² − 2a·b); that form
    /// cancels badly for near-duplicates, so the winner's distance is recomputed directly.
    static func nearestDistances(_ queries: Tensor, to set: GenerativeImages, chunk: Int = 2048) -> [Double] {
        let m = queries.shape[0]
        var best = [Double](repeating: .infinity, count: m)
        var bestIndex = [Int](repeating: 0, count: m)
        for start in stride(from: 0, to: set.count, by: chunk) {
            let count = min(chunk, set.count - start)
            let references = set.batch(Array(start..<start + count)).reshaped([count, -1])
            let squared = squaredDistances(queries, references)
            for i in 0..<m {
                for j in 0..<count where squared[i * count + j] < best[i] {
                    best[i] = squared[i * count + j]
                    bestIndex[i] = start + j
                }
            }
        }
        let q = queries.toArray(), p = queries.shape[1]
        return (0..<m).map { i in
            let reference = set.values(bestIndex[i])
            return (0..<p).reduce(0.0) { sum, k in
                let d = Double(q[i * p + k]) - Double(reference[k])
                return sum + d * d
            }.squareRoot()
        }
    }

    /// ‖a_i − b_j‖², clamped at 0 against rounding. a: [M, P], b: [K, P] → M·K values, row-major.
    static func squaredDistances(_ a: Tensor, _ b: Tensor) -> [Double] {
        let dots = Autograd.withoutGrad { linear(a, weight: b) }.toArray()   // [M, K]: a·bᵀ
        let (av, bv) = (a.toArray(), b.toArray())
        let p = a.shape[1]
        let an = (0..<a.shape[0]).map { i in (0..<p).reduce(0.0) { $0 + Double(av[i * p + $1]) * Double(av[i * p + $1]) } }
        let bn = (0..<b.shape[0]).map { j in (0..<p).reduce(0.0) { $0 + Double(bv[j * p + $1]) * Double(bv[j * p + $1]) } }
        let k = b.shape[0]
        return (0..<dots.count).map { idx in max(an[idx / k] + bn[idx % k] - 2 * Double(dots[idx]), 0) }
    }
}
