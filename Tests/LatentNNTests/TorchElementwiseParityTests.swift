// PyTorch parity of the element-wise ops: activations, exp/log and arithmetic.

import XCTest
import LatentTensor
@testable import LatentNN

extension TorchParityCatalog {
    static let elementwise: [String: TorchParityCheck] = [
        "relu": unary { $0.relu() },
        "leaky_relu_0.2": { f in
            let slope = try f.float("negative_slope")
            try f.checkForwardAndBackward { i, _ in i[0].leakyReLU(slope) }
        },
        "sigmoid": unary { $0.sigmoid() },
        "tanh": unary { $0.tanh() },
        "exp": unary { $0.exp() },
        "log": unary { $0.log() },
        "softplus": unary { $0.softplus() },
        "softmax_dim1_t0.38": { f in
            let t = try f.float("temperature")
            XCTAssertEqual(try f.int("dim"), 1)
            try f.checkForwardAndBackward { i, _ in i[0].channelSoftmax(temperature: t) }
        },
        "add": binary(+),
        "mul": binary(*),
        "add_broadcast": { f in
            // PyTorch broadcasts a [1, C, 1, 1] operand; ours is the per-channel add of its [C] view.
            try f.checkForwardAndBackward { i, _ in
                XCTAssertEqual(i[1].shape, [1, i[0].shape[1], 1, 1])
                return i[0].addingPerChannel(i[1].reshaped([i[0].shape[1]]))
            }
        },
    ]

    private static func unary(_ op: @escaping (Tensor) -> Tensor) -> TorchParityCheck {
        { f in try f.checkForwardAndBackward { i, _ in op(i[0]) } }
    }

    private static func binary(_ op: @escaping (Tensor, Tensor) -> Tensor) -> TorchParityCheck {
        { f in try f.checkForwardAndBackward { i, _ in op(i[0], i[1]) } }
    }
}

final class TorchElementwiseParityTests: XCTestCase {
    func testElementwiseOpsMatchPyTorch() { runParity(TorchParityCatalog.elementwise) }
}
