import XCTest
import LatentNN
import LatentTensor
@testable import LatentModels

final class GenerativeModelsTests: XCTestCase {
    /// Smooth random blobs: a tiny data set with structure an autoencoder can learn quickly.
    static func blobs(count: Int, channels: Int, size: Int, seed: UInt64) -> Tensor {
        var rng = RandomSource(seed: seed)
        var values: [Float] = []
        for _ in 0..<count {
            let (cx, cy) = (rng.uniform(0.2, 0.8) * Float(size), rng.uniform(0.2, 0.8) * Float(size))
            let radius = rng.uniform(0.15, 0.35) * Float(size)
            for c in 0..<channels {
                let level = 0.3 + 0.2 * Float(c)
                for y in 0..<size {
                    for x in 0..<size {
                        let d = ((Float(x) - cx) * (Float(x) - cx) + (Float(y) - cy) * (Float(y) - cy)).squareRoot()
                        values.append(d < radius ? 0.9 : level * 0.2)
                    }
                }
            }
        }
        return Tensor(values, shape: [count, channels, size, size])
    }

    func testVAEShapesAndStateDictNames() {
        let a = AutoencoderArchitecture(imageSize: 48, channels: 1, latentDim: 32, widths: [32, 64, 128])
        XCTAssertNil(a.problem)
        XCTAssertEqual(a.bottomSize, 6)
        let model = ConvAutoencoder(a, seed: 1)
        XCTAssertEqual(model.namedTensors().map(\.0), [
            "encoder.convs.0.weight", "encoder.convs.0.bias", "encoder.convs.1.weight", "encoder.convs.1.bias",
            "encoder.convs.2.weight", "encoder.convs.2.bias",
            "toMean.weight", "toMean.bias", "toLogVariance.weight", "toLogVariance.bias",
            "decoder.fromCode.weight", "decoder.fromCode.bias",
            "decoder.ups.0.weight", "decoder.ups.0.bias", "decoder.ups.1.weight", "decoder.ups.1.bias",
            "decoder.toImage.weight", "decoder.toImage.bias",
        ])
        XCTAssertEqual(model.toMean.weight.shape, [32, 128 * 6 * 6])
        XCTAssertEqual(model.decoder.ups[0].weight.shape, [128, 64, 4, 4])
        XCTAssertEqual(model.decoder.toImage.weight.shape, [32, 1, 4, 4])
        var rng = RandomSource(seed: 2)
        let x = Tensor.uniform([3, 1, 48, 48], using: &rng)
        let (mean, logVariance) = Autograd.withoutGrad { model.encode(x) }
        XCTAssertEqual(mean.shape, [3, 32])
        XCTAssertEqual(logVariance?.shape, [3, 32])
        let images = Autograd.withoutGrad { model.decode(mean) }
        XCTAssertEqual(images.shape, [3, 1, 48, 48])
        XCTAssertTrue(images.toArray().allSatisfy { $0 > 0 && $0 < 1 })
    }

    func testPlainAutoencoderHasNoVarianceHeadAndDrawsNoNoise() {
        let model = ConvAutoencoder(AutoencoderArchitecture(kind: "ae", imageSize: 32, channels: 3, latentDim: 8, widths: [8, 16, 16]), seed: 1)
        XCTAssertNil(model.toLogVariance)
        XCTAssertFalse(model.namedTensors().contains { $0.0.hasPrefix("toLogVariance") })
        let x = Self.blobs(count: 2, channels: 3, size: 32, seed: 1)
        var rng = RandomSource(seed: 9)
        let before = rng.stateWords
        let (logits, _, logVariance) = Autograd.withoutGrad { model(x, using: &rng) }
        XCTAssertEqual(logits.shape, [2, 3, 32, 32])
        XCTAssertNil(logVariance)
        XCTAssertEqual(rng.stateWords, before, "the plain autoencoder must not sample")
    }

    func testGeometryRejectsSizesThatDoNotHalve() {
        XCTAssertNotNil(AutoencoderArchitecture(imageSize: 50, channels: 1, widths: [8, 16, 32]).problem)
        XCTAssertNotNil(GANArchitecture(imageSize: 48, channels: 2).problem)
        XCTAssertNotNil(AutoencoderArchitecture(kind: "gan", imageSize: 48, channels: 1).problem)
        XCTAssertNil(GANArchitecture(imageSize: 32, channels: 3, widths: [16, 32, 64]).problem)
    }

    func testArchitectureJSONRoundTrip() throws {
        let a = GANArchitecture(imageSize: 32, channels: 3, latentDim: 100, widths: [64, 128, 256])
        let json = try JSONEncoder().encode(a)
        XCTAssertEqual(try JSONDecoder().decode(GANArchitecture.self, from: json), a)
        let text = String(decoding: json, as: UTF8.self)
        XCTAssertTrue(text.contains("\"kind\":\"gan\""), text)
    }

    func testDCGANShapesNamesAndInitialisation() {
        let model = DCGAN(GANArchitecture(imageSize: 48, channels: 1, latentDim: 16, widths: [16, 32, 64]), seed: 3)
        let names = model.namedTensors().map(\.0)
        XCTAssertTrue(names.contains("generator.blocks.0.conv.weight"))
        XCTAssertTrue(names.contains("generator.blocks.0.norm.running_var"))
        XCTAssertTrue(names.contains("generator.toImage.bias"))
        XCTAssertTrue(names.contains("discriminator.fromImage.weight"))
        XCTAssertTrue(names.contains("discriminator.blocks.1.norm.weight"))
        XCTAssertFalse(names.contains("generator.blocks.0.conv.bias"), "convolutions before batch norm have no bias")
        XCTAssertEqual(model.generator.blocks[0].conv.weight.shape, [16, 64, 6, 6], "the projection grows 1×1 to the 6×6 bottom")
        XCTAssertEqual(model.discriminator.toLogit.weight.shape, [1, 64, 6, 6])
        XCTAssertEqual(model.namedIntegerBuffers().count, 5, "three generator and two discriminator batch norms")

        let w = model.generator.blocks[1].conv.weight.toArray()
        let std = (w.reduce(0) { $0 + $1 * $1 } / Float(w.count)).squareRoot()
        XCTAssertEqual(std, 0.02, accuracy: 0.002)
        XCTAssertEqual(model.generator.blocks[1].norm.weight!.toArray().reduce(0, +) / 32, 1, accuracy: 0.02)

        var rng = RandomSource(seed: 4)
        let z = Tensor.normal([5, 16], using: &rng)
        let images = Autograd.withoutGrad { model.generator(z) }
        XCTAssertEqual(images.shape, [5, 1, 48, 48])
        XCTAssertTrue(images.toArray().allSatisfy { $0 >= -1 && $0 <= 1 })
        XCTAssertEqual(Autograd.withoutGrad { model.discriminator(images) }.shape, [5])
    }

    func testSameSeedSameWeights() {
        let a = GANArchitecture(imageSize: 16, channels: 1, latentDim: 4, widths: [8, 16])
        XCTAssertEqual(DCGAN(a, seed: 7).namedTensors().map { $0.1.toArray() }, DCGAN(a, seed: 7).namedTensors().map { $0.1.toArray() })
        XCTAssertNotEqual(DCGAN(a, seed: 7).generator.toImage.weight.toArray(), DCGAN(a, seed: 8).generator.toImage.weight.toArray())
    }

    /// A few Adam steps on blobs: the VAE's loss (reconstruction + KL) must fall clearly, and the
    /// same seed must give the very same losses.
    func testVAELossFallsAndIsDeterministic() {
        func train() -> [Float] {
            let model = ConvAutoencoder(AutoencoderArchitecture(imageSize: 16, channels: 1, latentDim: 4, widths: [8, 16]), seed: 5)
            let adam = Adam(model.namedParameters(), learningRate: 3e-3)
            let data = Self.blobs(count: 16, channels: 1, size: 16, seed: 2)
            var rng = RandomSource(seed: 6)
            var losses: [Float] = []
            for _ in 0..<40 {
                model.zeroGrad()
                let (total, _, kl) = model.loss(data, beta: 1, using: &rng)
                XCTAssertNotNil(kl)
                total.backward()
                adam.step()
                losses.append(total.item)
            }
            return losses
        }
        let losses = train()
        XCTAssertTrue(losses.allSatisfy(\.isFinite))
        let (first, last) = (losses.prefix(3).reduce(0, +) / 3, losses.suffix(3).reduce(0, +) / 3)
        XCTAssertLessThan(last, 0.8 * first, "VAE loss went \(first) → \(last)")
        XCTAssertEqual(train(), losses)
    }
}
