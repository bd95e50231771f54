// PyTorch parity of batch normalisation, through the op and through the BatchNorm2d layer
// (training and evaluation; running statistics after the call).

import XCTest
import LatentTensor
@testable import LatentNN

extension TorchParityCatalog {
    static let normalization: [String: TorchParityCheck] = [
        "batch_norm2d_train": checkBatchNorm,
        "batch_norm2d_eval": checkBatchNorm,
    ]

    private static func checkBatchNorm(_ f: TorchFixture) throws {
        let training = try f.bool("training"), momentum = try f.float("momentum"), eps = try f.float("eps")

        try f.checkForwardAndBackward(context: "op", params: ["weight", "bias"], buffers: ["running_mean", "running_var"]) { i, p in
            batchNorm(i[0], weight: p["weight"], bias: p["bias"], runningMean: p["running_mean"], runningVar: p["running_var"],
                      training: training, momentum: momentum, epsilon: eps)
        }

        // The layer, loaded strictly from PyTorch's names (the op fixture has no step counter: 0).
        let layer = BatchNorm2d(try f.tensor("input.0").shape[1], epsilon: eps, momentum: momentum)
        var state = f.stateDict(prefix: "param.", excluding: "param.after.")
        state["num_batches_tracked"] = try StoredTensor(int64s: [0], shape: [])
        try layer.loadStateDict(state, strict: true)
        layer.train(training)
        XCTAssertEqual(layer.namedParameters().map(\.0), ["weight", "bias"], "running statistics must not be trained")
        let x = try f.tensor("input.0", requiresGrad: true)
        let y = layer(x)
        try f.assertMatches(y, "output", context: "layer")
        y.backward(try f.tensor("grad_output"))
        try f.assertMatches(try XCTUnwrap(x.grad), "grad.input.0", context: "layer")
        try f.assertMatches(try XCTUnwrap(layer.weight?.grad), "grad.param.weight", context: "layer")
        try f.assertMatches(try XCTUnwrap(layer.bias?.grad), "grad.param.bias", context: "layer")
        try f.assertMatches(layer.runningMean, "param.after.running_mean", context: "layer")
        try f.assertMatches(layer.runningVariance, "param.after.running_var", context: "layer")
        XCTAssertEqual(layer.numBatchesTracked, training ? 1 : 0, "\(f.name): num_batches_tracked")
    }
}

final class TorchNormalizationParityTests: XCTestCase {
    func testBatchNormMatchesPyTorch() { runParity(TorchParityCatalog.normalization) }
}
