// PyTorch parity of the shape ops (cat, reshape, flatten, slice) and of the reductions.

import XCTest
import LatentTensor
@testable import LatentNN

extension TorchParityCatalog {
    static let shapesAndReductions: [String: TorchParityCheck] = [
        "cat_dim1": { f in
            let axis = try f.int("dim")
            try f.checkForwardAndBackward { i, _ in concat([i[0], i[1]], axis: axis) }
        },
        "reshape": { f in
            let shape = try XCTUnwrap(f.args["shape"] as? [Int])
            try f.checkForwardAndBackward { i, _ in i[0].reshaped(shape) }
        },
        "flatten": { f in
            XCTAssertEqual(try f.int("start_dim"), 1)
            XCTAssertEqual(try f.int("end_dim"), -1)
            try f.checkForwardAndBackward { i, _ in i[0].flattened() }
        },
        "slice": { f in
            let ranges = try XCTUnwrap(f.args["ranges"] as? [[Int]])
            try f.checkForwardAndBackward { i, _ in
                var y = i[0]
                for (axis, r) in ranges.enumerated() {
                    XCTAssertEqual(r[2], 1, "slice: only unit steps exist")
                    if r[0] != 0 || r[1] != y.shape[axis] { y = y.slice(axis: axis, range: r[0]..<r[1]) }
                }
                return y
            }
        },
        "sum": reduction(mean: false),
        "sum_dim1_keepdim": reduction(mean: false),
        "mean": reduction(mean: true),
        "mean_dim23": reduction(mean: true),
    ]

    /// `dim` null: over all elements to a scalar; otherwise over the listed axes, `keepdim` as stated.
    private static func reduction(mean: Bool) -> TorchParityCheck {
        { f in
            let axes = f.args["dim"] as? [Int]
            let keep = f.args["keepdim"] as? Bool ?? false
            try f.checkForwardAndBackward { i, _ in
                guard let axes else { return mean ? i[0].mean() : i[0].sum() }
                return mean ? i[0].mean(axes: axes, keepingDims: keep) : i[0].sum(axes: axes, keepingDims: keep)
            }
        }
    }
}

final class TorchShapeParityTests: XCTestCase {
    func testShapeOpsAndReductionsMatchPyTorch() { runParity(TorchParityCatalog.shapesAndReductions) }
}
