// PyTorch parity of the losses: value and gradients for every input that takes one.

import XCTest
import LatentTensor
@testable import LatentNN

extension TorchParityCatalog {
    static let losses: [String: TorchParityCheck] = [
        "mse_loss": { f in try f.checkForwardAndBackward { i, _ in Loss.mse(i[0], i[1]) } },
        "l1_loss": { f in try f.checkForwardAndBackward { i, _ in Loss.l1(i[0], i[1]) } },
        "charbonnier_loss": { f in
            let eps = try f.float("eps")
            try f.checkForwardAndBackward { i, _ in Loss.charbonnier(i[0], i[1], epsilon: eps) }
        },
        "bce_with_logits": { f in
            try f.checkForwardAndBackward { i, _ in Loss.binaryCrossEntropy(logits: i[0], targets: i[1]) }
        },
        "vae_gaussian_kl": { f in
            try f.checkForwardAndBackward { i, _ in Loss.gaussianKL(mu: i[0], logVariance: i[1]) }
        },
        "sparse_kl_penalty": { f in
            // The fixture feeds pre-activations; the penalty takes the sigmoid activations.
            let rho = try f.float("rho")
            try f.checkForwardAndBackward { i, _ in Loss.sparsityKL(activations: i[0].sigmoid(), target: rho) }
        },
        "soft_cross_entropy_weighted": { f in
            try f.checkForwardAndBackward { i, _ in Loss.softCrossEntropy(logits: i[0], targets: i[1], weights: i[2]) }
        },
        "gan_discriminator_loss": { f in
            let real = try f.float("real_target")
            XCTAssertEqual(try f.float("fake_target"), 0)
            try f.checkForwardAndBackward { i, _ in Loss.discriminator(realLogits: i[0], fakeLogits: i[1], realLabel: real) }
        },
        "gan_generator_loss": { f in
            XCTAssertEqual(try f.float("target"), 1)
            try f.checkForwardAndBackward { i, _ in Loss.generatorNonSaturating(fakeLogits: i[0]) }
        },
    ]
}

final class TorchLossParityTests: XCTestCase {
    func testLossesMatchPyTorch() { runParity(TorchParityCatalog.losses) }
}
