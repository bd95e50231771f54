// PyTorch parity of the learned codec's layers: GDN, IGDN, and the factorized density's
// likelihood (CompressAI's EntropyBottleneck formula), forward and every gradient.

import XCTest
import LatentTensor
@testable import LatentNN

extension TorchParityCatalog {
    static let codecLayers: [String: TorchParityCheck] = [
        "gdn": { f in try checkGDN(f, inverse: false) },
        "igdn": { f in try checkGDN(f, inverse: true) },
        "factorized_likelihood": { f in
            let names = (0..<3).flatMap { k in ["layers.\(k).matrix", "layers.\(k).bias"] + (k < 2 ? ["layers.\(k).factor"] : []) }
            try f.checkForwardAndBackward(params: names) { i, p in
                var rng = RandomSource(seed: 0)
                let density = FactorizedDensity(channels: 3, filters: [3, 3], using: &rng)
                // Use the fixture's tensors themselves, so their gradients are the ones compared.
                for (k, layer) in density.layers.enumerated() {
                    for (name, own) in [("matrix", layer.matrix), ("bias", layer.bias)] + (layer.factor.map { [("factor", $0)] } ?? []) {
                        let given = p["layers.\(k).\(name)"]!
                        XCTAssertEqual(given.shape, own.shape, name)
                        own.withUnsafeMutableBufferPointer { dst in given.withUnsafeBufferPointer { _ = dst.update(fromContentsOf: $0) } }
                    }
                }
                let y = density.likelihood(i[0])
                // Route the gradients of the layer's own tensors to the fixture's parameters.
                y.backward(try f.tensor("grad_output"))
                for (k, layer) in density.layers.enumerated() {
                    for (name, own) in [("matrix", layer.matrix), ("bias", layer.bias)] + (layer.factor.map { [("factor", $0)] } ?? []) {
                        p["layers.\(k).\(name)"]!.grad = own.grad
                    }
                }
                return y.detached()
            }
        },
    ]

    private static func checkGDN(_ f: TorchFixture, inverse: Bool) throws {
        try f.checkForwardAndBackward(params: ["beta", "gamma"]) { i, p in
            let gdn = GDN(channels: p["beta"]!.shape[0], inverse: inverse)
            gdn.beta.withUnsafeMutableBufferPointer { dst in p["beta"]!.withUnsafeBufferPointer { _ = dst.update(fromContentsOf: $0) } }
            gdn.gamma.withUnsafeMutableBufferPointer { dst in p["gamma"]!.withUnsafeBufferPointer { _ = dst.update(fromContentsOf: $0) } }
            let y = gdn(i[0])
            y.backward(try f.tensor("grad_output"))
            p["beta"]!.grad = gdn.beta.grad
            p["gamma"]!.grad = gdn.gamma.grad
            return y.detached()
        }
    }
}

final class TorchCodecLayerParityTests: XCTestCase {
    func testCodecLayersMatchPyTorch() { runParity(TorchParityCatalog.codecLayers) }
}
