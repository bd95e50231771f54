// PyTorch parity of two small models built from our layers under PyTorch's names, loaded
// strictly from the fixture's state_dict: output, loss, every gradient, and (MLP) the batch
// norm buffers after the training-mode forward.

import XCTest
import LatentTensor
@testable import LatentNN

/// `EncDec` of make_fixtures.py: a strided conv encoder, a transposed-conv decoder and a skip.
final class TorchEncoderDecoder: Module {
    let conv1: Conv2d
    let conv2: Conv2d
    let deconv1: ConvTranspose2d
    let deconv2: ConvTranspose2d

    init(using rng: inout RandomSource) {
        conv1 = Conv2d(3, 8, kernelSize: 3, stride: 2, padding: .symmetric(1), using: &rng)
        conv2 = Conv2d(8, 16, kernelSize: 3, stride: 2, padding: .symmetric(1), using: &rng)
        deconv1 = ConvTranspose2d(16, 8, kernelSize: 4, stride: 2, padding: 1, using: &rng)
        deconv2 = ConvTranspose2d(8, 3, kernelSize: 4, stride: 2, padding: 1, using: &rng)
    }

    /// x: [N, 3, H, W] (H, W multiples of 4) → [N, 3, H, W] in (0, 1)
    func callAsFunction(_ x: Tensor) -> Tensor {
        let skip = conv1(x, activation: .relu)
        let h = conv2(skip, activation: .relu)
        return deconv2(deconv1(h, activation: .relu) + skip, activation: .sigmoid)
    }
}

/// `MLPBatchNorm` of make_fixtures.py.
final class TorchMLPBatchNorm: Module {
    let fc1: Linear
    let bn1: BatchNorm1d
    let fc2: Linear

    init(using rng: inout RandomSource) {
        fc1 = Linear(12, 16, using: &rng)
        bn1 = BatchNorm1d(16)
        fc2 = Linear(16, 4, using: &rng)
    }

    /// x: [N, 12] → logits [N, 4]
    func callAsFunction(_ x: Tensor) -> Tensor {
        fc2(bn1(fc1(x)).tanh())
    }
}

extension TorchParityCatalog {
    static let models: [String: TorchParityCheck] = [
        "model_encdec": { f in
            for backend in Backend.allCases {
                try Engine.withBackend(backend) {
                    var rng = RandomSource(seed: 1)  // replaced by the fixture's weights
                    let model = TorchEncoderDecoder(using: &rng)
                    try checkModel(f, model, context: "\(backend)", forward: model.callAsFunction, loss: Loss.mse)
                }
            }
        },
        "model_mlp_bn": { f in
            var rng = RandomSource(seed: 1)
            let model = TorchMLPBatchNorm(using: &rng)
            try checkModel(f, model, forward: model.callAsFunction) { Loss.binaryCrossEntropy(logits: $0, targets: $1) }
            try f.assertMatches(model.bn1.runningMean, "param.after.bn1.running_mean")
            try f.assertMatches(model.bn1.runningVariance, "param.after.bn1.running_var")
            XCTAssertEqual(model.namedIntegerBuffers().map(\.1), try f.int64s("param.after.bn1.num_batches_tracked").map { Int($0) })
            XCTAssertEqual(try model.stateDict()["bn1.num_batches_tracked"]?.int64s(), [1])
        },
    ]

    /// Loads `param.*` strictly, runs forward and loss in training mode, backpropagates the loss
    /// and compares output, loss, the input gradient and every parameter gradient.
    private static func checkModel(_ f: TorchFixture, _ model: Module, context: String = "",
                                   forward: (Tensor) -> Tensor, loss: (Tensor, Tensor) -> Tensor) throws {
        try model.loadStateDict(f.stateDict(prefix: "param.", excluding: "param.after."), strict: true, source: f.name)
        model.train()
        let x = try f.tensor("input.0", requiresGrad: true), target = try f.tensor("input.1")
        let y = forward(x)
        let value = loss(y, target)
        try f.assertMatches(y, "output", context: context)
        try f.assertMatches(value, "loss", context: context)
        value.backward()
        try f.assertMatches(try XCTUnwrap(x.grad), "grad.input.0", context: context)
        let parameters = model.namedParameters()
        XCTAssertEqual(Set(parameters.map { "grad.param.\($0.0)" }),
                       Set(f.file.tensors.keys.filter { $0.hasPrefix("grad.param.") }), "\(f.name): parameter names")
        for (name, parameter) in parameters {
            try f.assertMatches(try XCTUnwrap(parameter.grad, name), "grad.param.\(name)", context: context)
        }
    }
}

final class TorchModelParityTests: XCTestCase {
    func testModelsMatchPyTorch() { runParity(TorchParityCatalog.models) }
}
