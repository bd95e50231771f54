import XCTest
import LatentTensor
@testable import LatentNN

final class OptimizerGroupTests: XCTestCase {
    func testStateNamesArePrefixedAndRestoreEveryMember() throws {
        func makeGroup() -> (OptimizerGroup, Tensor, Tensor) {
            let a = Tensor([1, 2], shape: [2], requiresGrad: true)
            let b = Tensor([3], shape: [1], requiresGrad: true)
            let group = OptimizerGroup([("g", Adam([("w", a)], learningRate: 0.1)), ("d", Adam([("w", b)], learningRate: 0.1))])
            return (group, a, b)
        }
        let (group, a, b) = makeGroup()
        XCTAssertEqual(group.namedState().map(\.0), ["g.exp_avg.w", "g.exp_avg_sq.w", "d.exp_avg.w", "d.exp_avg_sq.w"])
        a.grad = Tensor([1, -1], shape: [2]); b.grad = Tensor([2], shape: [1])
        group.step()
        XCTAssertEqual(group.stepCount, 1)
        XCTAssertNotEqual(a.toArray(), [1, 2])
        XCTAssertNotEqual(b.toArray(), [3])

        let saved = Dictionary(uniqueKeysWithValues: group.namedState().map { ($0.0, Tensor($0.1.toArray(), shape: $0.1.shape)) })
        let (restored, _, _) = makeGroup()
        try restored.loadState(saved, stepCount: group.stepCount)
        XCTAssertEqual(restored.stepCount, 1)
        XCTAssertEqual(restored.members[1].optimizer.stepCount, 1)
        XCTAssertEqual(restored.namedState().map { $0.1.toArray() }, group.namedState().map { $0.1.toArray() })
        restored.learningRate = 0.5
        XCTAssertEqual(restored.members.map { $0.optimizer.learningRate }, [0.5, 0.5])
    }
}
