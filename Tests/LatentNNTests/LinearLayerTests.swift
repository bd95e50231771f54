import XCTest
import LatentTensor
@testable import LatentNN

final class LinearLayerTests: XCTestCase {
    func testNamesShapesAndDefaultInitialisation() {
        var rng = RandomSource(seed: 1)
        let layer = Linear(25, 7, using: &rng)
        XCTAssertEqual(layer.namedParameters().map(\.0), ["weight", "bias"])
        XCTAssertEqual(layer.weight.shape, [7, 25])
        XCTAssertEqual(layer.bias?.shape, [7])
        // PyTorch's default: U(−1/√in, 1/√in) = U(−0.2, 0.2) for both.
        let values = layer.weight.toArray() + (layer.bias?.toArray() ?? [])
        XCTAssertTrue(values.allSatisfy { abs($0) <= 0.2 })
        XCTAssertGreaterThan(values.map(abs).max() ?? 0, 0.15, "the full range is used")
        XCTAssertNil(Linear(3, 2, bias: false, using: &rng).bias)
    }

    func testComputesXTimesWeightTransposedPlusBias() throws {
        var rng = RandomSource(seed: 2)
        let layer = Linear(2, 3, using: &rng)
        try layer.loadStateDict([
            "weight": StoredTensor(floats: [1, 2, 3, 4, 5, 6], shape: [3, 2]),
            "bias": StoredTensor(floats: [0.5, 0, -1], shape: [3]),
        ])
        let y = layer(Tensor([1, -1, 2, 0], shape: [2, 2]))
        XCTAssertEqual(y.toArray(), [-0.5, -1, -2, 2.5, 6, 9])
    }
}
