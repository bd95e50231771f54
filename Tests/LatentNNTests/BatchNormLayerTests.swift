import XCTest
import LatentTensor
@testable import LatentNN

final class BatchNormLayerTests: XCTestCase {
    func testStateDictNamesAndBuffersAreNotTrained() throws {
        let layer = BatchNorm2d(3)
        XCTAssertEqual(layer.namedTensors().map(\.0), ["weight", "bias", "running_mean", "running_var"])
        XCTAssertEqual(layer.namedParameters().map(\.0), ["weight", "bias"])
        XCTAssertFalse(layer.runningMean.requiresGrad)
        XCTAssertFalse(layer.runningVariance.requiresGrad)
        XCTAssertEqual(Set(try layer.stateDict().keys), ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"])
        XCTAssertEqual(BatchNorm1d(4, affine: false).namedTensors().map(\.0), ["running_mean", "running_var"])
    }

    func testTrainingCountsBatchesAndUpdatesStatisticsEvaluationDoesNot() throws {
        let layer = BatchNorm1d(2)
        let x = Tensor([1, 0, 2, 0, 3, 2, 4, 2], shape: [4, 2])
        _ = layer(x)
        XCTAssertEqual(layer.numBatchesTracked, 1)
        XCTAssertEqual(layer.runningMean.toArray()[0], 0.25, accuracy: 1e-6)
        XCTAssertEqual(layer.runningVariance.toArray()[0], 0.9 + 0.1 * 5 / 3, accuracy: 1e-6)
        layer.eval()
        let before = layer.runningMean.toArray()
        let y = layer(x)
        XCTAssertEqual(layer.numBatchesTracked, 1)
        XCTAssertEqual(layer.runningMean.toArray(), before)
        // Evaluation normalises with the running statistics: (1 − 0.25) / √(running var + ε).
        XCTAssertEqual(y.toArray()[0], 0.75 / (0.9 + 0.1 * Float(5) / 3 + 1e-5).squareRoot(), accuracy: 1e-5)
    }

    func testStepCounterRoundTripsThroughTheStateDict() throws {
        let layer = BatchNorm2d(2)
        var state = try layer.stateDict()
        state["num_batches_tracked"] = try StoredTensor(int64s: [41], shape: [])
        try layer.loadStateDict(state, strict: true)
        XCTAssertEqual(layer.numBatchesTracked, 41)
        XCTAssertEqual(try layer.stateDict()["num_batches_tracked"]?.int64s(), [41])
    }

    func testOneDimensionalLayerAcceptsSequences() {
        var rng = RandomSource(seed: 3)
        let x = Tensor.normal([3, 2, 5], mean: 2, using: &rng)
        let y = BatchNorm1d(2)(x)
        XCTAssertEqual(y.shape, [3, 2, 5])
        // Channel 0's values over N and L have mean 0 after normalisation.
        let values = y.toArray()
        let channel0 = (0..<3).flatMap { n in (0..<5).map { values[n * 10 + $0] } }
        XCTAssertEqual(channel0.reduce(0, +) / 15, 0, accuracy: 1e-5)
    }
}
