// Checks the PyTorch fixtures against the convention in Tests/Fixtures/torch/README.md, so the
// parity tests written from that README can rely on it.

import Foundation
import XCTest
import LatentNN

final class TorchFixtureFilesTests: XCTestCase {
    private func fixtures() throws -> [SafeTensorsFile] {
        try TorchFixtureLocation.fileURLs().map { try SafeTensorsFile(contentsOf: $0) }
    }

    func testEveryRequiredCaseHasAFile() throws {
        let names = Set(try TorchFixtureLocation.fileURLs().map { $0.deletingPathExtension().lastPathComponent })
        let required = [
            "conv2d_s1_p1", "conv2d_s2_p1", "conv2d_same_d2", "conv2d_nobias",
            "conv_transpose2d_k3_s2_p1_op1", "conv_transpose2d_k4_s2_p1",
            "max_pool2d_k2_s2", "max_pool2d_k3_s2_p1", "max_unpool2d_k2_s2", "avg_pool2d_k2_s2",
            "interpolate_nearest_x2", "interpolate_bilinear_x2", "pixel_shuffle_2", "linear",
            "batch_norm2d_train", "batch_norm2d_eval", "relu", "leaky_relu_0.2", "sigmoid", "tanh",
            "add", "mul", "cat_dim1", "reshape", "flatten", "slice", "sum", "mean", "exp", "log",
            "mse_loss", "l1_loss", "charbonnier_loss", "bce_with_logits", "vae_gaussian_kl", "sparse_kl_penalty",
            "gan_discriminator_loss", "gan_generator_loss", "optim_adam", "optim_adamw", "optim_sgd_momentum",
            "clip_grad_norm", "lr_schedule_cosine", "lr_schedule_step", "model_encdec", "model_mlp_bn",
        ]
        XCTAssertEqual(required.filter { !names.contains($0) }, [])
    }

    func testEveryFixtureHasOutputAndMetadata() throws {
        let files = try fixtures()
        XCTAssertGreaterThanOrEqual(files.count, 46)
        for file in files {
            let name = file.sourceName
            XCTAssertTrue(file.tensors["output"] != nil || file.tensors["output.0"] != nil, "\(name): no output")
            XCTAssertNotNil(file.metadata["op"], "\(name): no op")
            let args = try XCTUnwrap(file.metadata["args"], "\(name): no args")
            let parsed = try JSONSerialization.jsonObject(with: Data(args.utf8))
            XCTAssertTrue(parsed is [String: Any], "\(name): args is not a JSON object")
        }
    }

    /// Gradients have the shape of what they differentiate; grad_output the shape of the output.
    func testGradientNamesPairWithTheirTensors() throws {
        for file in try fixtures() {
            let name = file.sourceName
            for key in file.tensors.keys {
                for prefix in ["grad.input.", "grad.param."] where key.hasPrefix(prefix) {
                    let target = String(key.dropFirst("grad.".count))
                    XCTAssertEqual(file.tensors[key]?.shape, file.tensors[target]?.shape, "\(name): \(key) vs \(target)")
                }
            }
            if let gradOutput = file.tensors["grad_output"] {
                let output = file.tensors["output"] ?? file.tensors["output.0"]
                XCTAssertEqual(gradOutput.shape, output?.shape, "\(name): grad_output")
            }
        }
    }

    /// Every model parameter has a gradient, so the model parity tests can check all of them.
    func testModelFixturesCoverTheStateDictContract() throws {
        let encdec = try SafeTensorsFile(contentsOf: TorchFixtureLocation.folder.appendingPathComponent("model_encdec.safetensors"))
        for layer in ["conv1", "conv2", "deconv1", "deconv2"] {
            for part in ["weight", "bias"] {
                XCTAssertNotNil(encdec.tensors["param.\(layer).\(part)"], "\(layer).\(part)")
                XCTAssertNotNil(encdec.tensors["grad.param.\(layer).\(part)"], "grad \(layer).\(part)")
            }
        }
        XCTAssertEqual(try encdec.tensor("param.deconv1.weight").shape, [16, 8, 4, 4])  // [in, out, kh, kw]
        XCTAssertEqual(try encdec.tensor("loss").shape, [])

        let mlp = try SafeTensorsFile(contentsOf: TorchFixtureLocation.folder.appendingPathComponent("model_mlp_bn.safetensors"))
        XCTAssertEqual(try mlp.tensor("param.fc1.weight").shape, [16, 12])  // [out, in]
        XCTAssertEqual(try mlp.tensor("param.bn1.num_batches_tracked").dtype, .i64)
        XCTAssertEqual(try mlp.tensor("param.after.bn1.running_var").shape, [16])
    }
}
