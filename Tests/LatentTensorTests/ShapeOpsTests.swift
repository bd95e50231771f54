import XCTest
import LatentTestSupport
@testable import LatentTensor

final class ShapeOpsTests: XCTestCase {
    func testReshapeAndFlatten() {
        let x = Tensor((0..<24).map(Float.init), shape: [2, 3, 2, 2])
        XCTAssertEqual(x.flattened().shape, [2, 12])
        XCTAssertEqual(x.reshaped([4, -1]).shape, [4, 6])
        XCTAssertEqual(x.reshaped([4, -1]).toArray(), x.toArray())
        var rng = RandomSource(seed: 1)
        let b = Tensor.normal([2, 16, 2, 1], using: &rng)
        let fromBlocked = b.blocked().flattened()
        XCTAssertEqual(fromBlocked.layout, .plain)
        XCTAssertEqual(fromBlocked.toArray(), b.toArray(), "row-major order of the logical shape")
    }

    func testSliceSplitAndConcatValues() {
        let x = Tensor((0..<12).map(Float.init), shape: [2, 3, 2])
        XCTAssertEqual(x.slice(axis: 1, range: 1..<3).toArray(), [2, 3, 4, 5, 8, 9, 10, 11])
        XCTAssertEqual(x.slice(axis: 2, range: 1..<2).toArray(), [1, 3, 5, 7, 9, 11])
        XCTAssertEqual(x.slice(axis: 0, range: 1..<2).toArray(), [6, 7, 8, 9, 10, 11])
        let parts = x.split(sizes: [1, 2], axis: 1)
        XCTAssertEqual(parts.map(\.shape), [[2, 1, 2], [2, 2, 2]])
        XCTAssertEqual(concat(parts, axis: 1).toArray(), x.toArray())
        let a = Tensor([1, 2], shape: [1, 2]), b = Tensor([3, 4, 5, 6], shape: [2, 2])
        XCTAssertEqual(concat([a, b], axis: 0).toArray(), [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(concat([b, b.slice(axis: 1, range: 0..<1)], axis: 1).toArray(), [3, 4, 3, 5, 6, 5])
        XCTAssertEqual(Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3]).transposed().toArray(), [1, 4, 2, 5, 3, 6])
    }

    func testBlockedConcatAndSliceStayBlocked() {
        var rng = RandomSource(seed: 2)
        let a = Tensor.normal([2, 16, 3, 2], using: &rng), b = Tensor.normal([2, 32, 3, 2], using: &rng)
        let joined = concat([a.blocked(), b.blocked()], axis: 1)
        XCTAssertEqual(joined.layout, .blocked)
        XCTAssertEqual(joined.toArray(), concat([a, b], axis: 1).toArray())
        let alongBatch = concat([a.blocked(), a.blocked()], axis: 0)
        XCTAssertEqual(alongBatch.layout, .blocked)
        XCTAssertEqual(alongBatch.toArray(), concat([a, a], axis: 0).toArray())
        let aligned = joined.channels(16..<48)
        XCTAssertEqual(aligned.layout, .blocked)
        XCTAssertEqual(aligned.toArray(), b.toArray())
        // Unaligned channel cuts and mixed layouts fall back to plain.
        let unaligned = joined.channels(3..<20)
        XCTAssertEqual(unaligned.layout, .plain)
        XCTAssertEqual(unaligned.toArray(), concat([a, b], axis: 1).channels(3..<20).toArray())
        let mixed = concat([a.blocked(), b], axis: 1)
        XCTAssertEqual(mixed.layout, .plain)
        XCTAssertEqual(mixed.toArray(), joined.toArray())
    }

    func testGradients() {
        var rng = RandomSource(seed: 3)
        let a = Tensor.normal([2, 3, 2, 2], using: &rng), b = Tensor.normal([2, 1, 2, 2], using: &rng)
        let r = Tensor.normal([2, 4, 2, 2], using: &rng)
        checkGradients([a, b], tolerance: 1e-3) { t in (concat([t[0], t[1]], axis: 1) * r).sum() }
        checkGradients([a], tolerance: 1e-3) { t in
            let parts = t[0].split(sizes: [1, 2], axis: 1)
            return (parts[0].squared().sum() + (parts[1].slice(axis: 3, range: 1..<2) * 3).sum())
        }
        let m = Tensor.normal([3, 4], using: &rng), rm = Tensor.normal([4, 3], using: &rng)
        checkGradients([m], tolerance: 1e-3) { t in (t[0].transposed() * rm).sum() }
        checkGradients([a], tolerance: 1e-3) { t in (t[0].flattened().reshaped([6, 2, 2]).tanh()).sum() }
    }

    func testBlockedGradients() {
        var rng = RandomSource(seed: 4)
        let a = Tensor.normal([1, 16, 2, 2], using: &rng), b = Tensor.normal([1, 16, 2, 2], using: &rng)
        let r = Tensor.normal([1, 16, 2, 2], using: &rng)
        checkGradients([a, b], tolerance: 1e-3) { t in
            let joined = concat([t[0].blocked(), t[1].blocked()], axis: 1)        // blocked
            let back = joined.channels(16..<32) * 2 + joined.channels(0..<16).squared()  // blocked slices
            return (back * r).sum() + joined.channels(5..<9).sum() + concat([joined, joined], axis: 0).flattened().tanh().sum()
        }
    }
}
