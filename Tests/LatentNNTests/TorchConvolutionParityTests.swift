// PyTorch parity of the backend-dispatched ops: conv2d (incl. grouped), conv_transpose2d and
// linear, each on both backends.

import XCTest
import LatentTensor
@testable import LatentNN

extension TorchParityCatalog {
    static let convolution: [String: TorchParityCheck] = [
        "conv2d_s1_p1": checkConv2d,
        "conv2d_s2_p1": checkConv2d,
        "conv2d_same_d2": checkConv2d,
        "conv2d_nobias": checkConv2d,
        "conv2d_groups2_s2": checkConv2d,
        "conv_transpose2d_k3_s2_p1_op1": checkConvTranspose2d,
        "conv_transpose2d_k4_s2_p1": checkConvTranspose2d,
        "linear": { f in
            for backend in Backend.allCases {
                try Engine.withBackend(backend) {
                    try f.checkForwardAndBackward(context: "\(backend)", params: ["weight", "bias"]) { i, p in
                        linear(i[0], weight: p["weight"]!, bias: p["bias"])
                    }
                }
            }
        },
    ]

    private static func checkConv2d(_ f: TorchFixture) throws {
        let stride = try f.int("stride"), dilation = try f.int("dilation"), groups = try f.int("groups")
        let padding: Padding
        if let p = f.args["padding"] as? Int {
            padding = .symmetric(p)
        } else {
            XCTAssertEqual(f.args["padding"] as? String, "same", "\(f.name): padding")
            padding = .same
        }
        let params = try f.bool("bias") ? ["weight", "bias"] : ["weight"]
        for backend in Backend.allCases {
            try Engine.withBackend(backend) {
                try f.checkForwardAndBackward(context: "\(backend)", params: params) { i, p in
                    conv2d(i[0], weight: p["weight"]!, bias: p["bias"], stride: (stride, stride), padding: padding,
                           dilation: (dilation, dilation), groups: groups)
                }
            }
        }
    }

    private static func checkConvTranspose2d(_ f: TorchFixture) throws {
        let stride = try f.int("stride"), padding = try f.int("padding"), outputPadding = try f.int("output_padding")
        let dilation = try f.int("dilation"), groups = try f.int("groups")
        let params = try f.bool("bias") ? ["weight", "bias"] : ["weight"]
        for backend in Backend.allCases {
            try Engine.withBackend(backend) {
                try f.checkForwardAndBackward(context: "\(backend)", params: params) { i, p in
                    convTranspose2d(i[0], weight: p["weight"]!, bias: p["bias"], stride: (stride, stride),
                                    padding: (padding, padding), outputPadding: (outputPadding, outputPadding),
                                    dilation: (dilation, dilation), groups: groups)
                }
            }
        }
    }
}

final class TorchConvolutionParityTests: XCTestCase {
    func testConvolutionAndLinearMatchPyTorch() { runParity(TorchParityCatalog.convolution) }
}
