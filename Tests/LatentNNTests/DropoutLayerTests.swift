import XCTest
import LatentTensor
@testable import LatentNN

final class DropoutLayerTests: XCTestCase {
    func testSameSeedSameMasksAndNoStateDictEntries() throws {
        let x = Tensor.ones([4, 64])
        let a = Dropout(probability: 0.5, seed: 9), b = Dropout(probability: 0.5, seed: 9)
        XCTAssertEqual(a(x).toArray(), b(x).toArray())
        XCTAssertNotEqual(a(x).toArray(), a(Tensor.ones([4, 64])).toArray(), "the layer's generator advances")
        XCTAssertTrue(try a.stateDict().isEmpty, "PyTorch's Dropout has no state")
    }

    func testTrainingZeroesAndRescalesEvaluationIsTheIdentity() {
        let layer = Dropout(probability: 0.25, seed: 1)
        let x = Tensor.ones([1000])
        let y = layer(x).toArray()
        XCTAssertTrue(y.allSatisfy { $0 == 0 || abs($0 - 1 / 0.75) < 1e-6 })
        let dropped = Float(y.filter { $0 == 0 }.count) / 1000
        XCTAssertEqual(dropped, 0.25, accuracy: 0.05)
        layer.eval()
        XCTAssertEqual(layer(x).toArray(), x.toArray())
    }

    func testLayersSeededFromOneGeneratorDrawDifferentMasks() {
        var rng = RandomSource(seed: 5)
        let first = Dropout(probability: 0.5, using: &rng), second = Dropout(probability: 0.5, using: &rng)
        let x = Tensor.ones([256])
        XCTAssertNotEqual(first(x).toArray(), second(x).toArray())
    }
}
