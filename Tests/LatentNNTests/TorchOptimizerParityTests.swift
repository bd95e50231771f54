// PyTorch parity of the optimizers (5 steps each), gradient clipping and the schedules.

import Foundation
import XCTest
import LatentTensor
@testable import LatentNN

extension TorchParityCatalog {
    static let optimizers: [String: TorchParityCheck] = [
        "optim_adam": { f in
            XCTAssertEqual(try f.float("weight_decay"), 0)
            try checkSteps(f) { p in try adam(f, p, decoupled: false) }
        },
        "optim_adamw": { f in try checkSteps(f) { p in try adam(f, p, decoupled: true) } },
        "optim_sgd_momentum": { f in
            XCTAssertEqual(try f.float("dampening"), 0)
            XCTAssertEqual(try f.bool("nesterov"), false)
            try checkSteps(f) { p in
                SGD([("weight", p)], learningRate: try f.float("lr"), momentum: try f.float("momentum"),
                    weightDecay: try f.float("weight_decay"))
            }
        },
        "clip_grad_norm": { f in
            XCTAssertEqual(try f.float("norm_type"), 2)
            let a = try f.tensor("param.a", requiresGrad: true), b = try f.tensor("param.b", requiresGrad: true)
            a.grad = try f.tensor("grad.before.a")
            b.grad = try f.tensor("grad.before.b")
            let norm = clipGradientNorm([a, b], maxNorm: try f.float("max_norm"))
            try f.assertMatches(Tensor(scalar: norm), "output")
            try f.assertMatches(try XCTUnwrap(a.grad), "grad.after.a")
            try f.assertMatches(try XCTUnwrap(b.grad), "grad.after.b")
        },
        "lr_schedule_cosine": { f in
            try checkSchedule(f, .cosine(totalSteps: try f.int("T_max"), minimum: try f.float("eta_min")))
        },
        "lr_schedule_step": { f in
            try checkSchedule(f, .step(every: try f.int("step_size"), gamma: try f.float("gamma")))
        },
    ]

    private static func adam(_ f: TorchFixture, _ p: Tensor, decoupled: Bool) throws -> Optimizer {
        let betas = try XCTUnwrap(f.args["betas"] as? [Double])
        XCTAssertEqual(try f.bool("amsgrad"), false)
        return Adam([("weight", p)], learningRate: try f.float("lr"), beta1: Float(betas[0]), beta2: Float(betas[1]),
                    epsilon: try f.float("eps"), weightDecay: try f.float("weight_decay"), decoupledWeightDecay: decoupled)
    }

    /// Step k sets the gradient to `grad.step.<k>`, steps, and compares with `param.after.<k>`.
    private static func checkSteps(_ f: TorchFixture, _ make: (Tensor) throws -> Optimizer) throws {
        let p = try f.tensor("param.weight", requiresGrad: true)
        let optimizer = try make(p)
        let steps = try f.int("steps")
        for k in 0..<steps {
            p.grad = try f.tensor("grad.step.\(k)")
            optimizer.step()
            try f.assertMatches(p, "param.after.\(k)", context: "step \(k)")
        }
        try f.assertMatches(p, "output")
        XCTAssertEqual(optimizer.stepCount, steps)
    }

    /// The learning rate of steps 0…n−1, against both the float32 `output` and the exact JSON `lrs`.
    private static func checkSchedule(_ f: TorchFixture, _ schedule: LearningRateSchedule) throws {
        let base = try f.float("base_lr")
        let rates = (0..<(try f.int("steps"))).map { schedule.learningRate(base: base, step: $0) }
        try f.assertMatches(Tensor(rates, shape: [rates.count]), "output")
        let json = try XCTUnwrap(f.file.metadata["lrs"])
        let exact = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [Double])
        TorchFixture.assertClose(rates, exact.map { Float($0) }, "\(f.name): lrs")
    }
}

final class TorchOptimizerParityTests: XCTestCase {
    func testOptimizersClippingAndSchedulesMatchPyTorch() { runParity(TorchParityCatalog.optimizers) }
}
