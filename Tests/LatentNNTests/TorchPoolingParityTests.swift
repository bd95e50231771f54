// PyTorch parity of pooling (max with indices, unpooling, average) and of upsampling
// (nearest, bilinear, pixel shuffle).

import XCTest
import LatentTensor
@testable import LatentNN

extension TorchParityCatalog {
    static let poolingAndResampling: [String: TorchParityCheck] = [
        "max_pool2d_k2_s2": checkMaxPool,
        "max_pool2d_k3_s2_p1": checkMaxPool,
        "max_unpool2d_k2_s2": { f in
            let size = try XCTUnwrap(f.args["output_size"] as? [Int], "output_size")
            let kernel = try f.int("kernel_size"), stride = try f.int("stride")
            XCTAssertEqual(try f.int("padding"), 0)
            // Indices from a 2×2/2 pool with PyTorch's meaning: flat h·W + w into each unpooled plane.
            let pooled = try f.tensor("input.0")
            let indices = MaxPoolIndices(shape: pooled.shape, inputSize: (size[0], size[1]),
                                         values: try f.int64s("input.1").map { Int32($0) })
            XCTAssertEqual(pooled.shape[2], (size[0] - kernel) / stride + 1, "pool geometry")
            try f.checkForwardAndBackward { i, _ in
                maxUnpool2d(i[0], indices: indices, outputSize: (size[0], size[1]))
            }
        },
        "avg_pool2d_k2_s2": checkAveragePool,
        "avg_pool2d_k3_s2_p1": checkAveragePool,
        "interpolate_nearest_x2": { f in
            XCTAssertEqual(f.args["mode"] as? String, "nearest")
            let factor = try f.int("scale_factor")
            try f.checkForwardAndBackward { i, _ in upsampleNearest(i[0], factor: factor) }
        },
        "interpolate_bilinear_x2": { f in
            XCTAssertEqual(f.args["mode"] as? String, "bilinear")
            XCTAssertEqual(try f.bool("align_corners"), false)
            let factor = try f.int("scale_factor")
            try f.checkForwardAndBackward { i, _ in upsampleBilinear(i[0], factor: factor) }
        },
        "pixel_shuffle_2": { f in
            let factor = try f.int("upscale_factor")
            try f.checkForwardAndBackward { i, _ in pixelShuffle(i[0], factor: factor) }
        },
    ]

    private static func checkMaxPool(_ f: TorchFixture) throws {
        let k = try f.int("kernel_size"), s = try f.int("stride"), p = try f.int("padding")
        XCTAssertEqual(try f.int("dilation"), 1)
        XCTAssertEqual(try f.bool("ceil_mode"), false)
        var indices: MaxPoolIndices?
        try f.checkForwardAndBackward { i, _ in
            let result = maxPool2dWithIndices(i[0], kernel: (k, k), stride: (s, s), padding: (p, p))
            indices = result.indices
            return result.values
        }
        XCTAssertEqual(indices?.shape, try f.file.tensor("output.1").shape, "\(f.name): index shape")
        XCTAssertEqual(indices?.values.map { Int64($0) }, try f.int64s("output.1"), "\(f.name): indices")
    }

    private static func checkAveragePool(_ f: TorchFixture) throws {
        let k = try f.int("kernel_size"), s = try f.int("stride"), p = try f.int("padding")
        XCTAssertEqual(try f.bool("count_include_pad"), true)
        XCTAssertEqual(try f.bool("ceil_mode"), false)
        try f.checkForwardAndBackward { i, _ in avgPool2d(i[0], kernel: (k, k), stride: (s, s), padding: (p, p)) }
    }
}

final class TorchPoolingParityTests: XCTestCase {
    func testPoolingAndResamplingMatchPyTorch() { runParity(TorchParityCatalog.poolingAndResampling) }
}
