import XCTest
@testable import LatentTensor

/// Fails when two equally long arrays differ anywhere by more than `tolerance`.
func assertClose(_ actual: [Float], _ expected: [Float], tolerance: Float = 1e-5,
                 _ message: String = "", file: StaticString = #filePath, line: UInt = #line) {
    guard actual.count == expected.count else {
        XCTFail("\(message) \(actual.count) values, expected \(expected.count)", file: file, line: line); return
    }
    for i in actual.indices where !(abs(actual[i] - expected[i]) <= tolerance) {
        XCTFail("\(message) element \(i): \(actual[i]) vs expected \(expected[i])", file: file, line: line); return
    }
}

/// A tensor whose values are a shuffled 0, spacing, 2·spacing, … (minus half the range):
/// all distinct and at least `spacing` apart, so that a finite-difference step smaller than
/// spacing/2 never changes which element of a window is the maximum.
func distinctValues(_ shape: [Int], spacing: Float = 0.1, seed: UInt64) -> Tensor {
    var rng = RandomSource(seed: seed)
    let count = Tensor.elementCount(shape)
    var values = (0..<count).map { Float($0) * spacing - Float(count) * spacing / 2 }
    values.shuffle(using: &rng)
    return Tensor(values, shape: shape)
}
