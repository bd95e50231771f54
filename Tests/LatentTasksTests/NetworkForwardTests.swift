import Foundation
import XCTest
@testable import LatentTasks
import LatentImage
import LatentModels
import LatentNN
import LatentTensor

/// `NetworkForward` runs one network of a model file on a given tensor (what the peer comparison
/// feeds PyTorch and ONNX Runtime too): it must load the file's weights, run in evaluation mode,
/// be the network the tasks use, and reject inputs of the wrong shape with a clear message.
final class NetworkForwardTests: XCTestCase {
    var folder = ""

    override func setUpWithError() throws {
        folder = try BatchFixtures.temporaryFolder("network-forward")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    func assertEqual(_ a: Tensor, _ b: Tensor, accuracy: Float = 0, _ message: String, line: UInt = #line) {
        XCTAssertEqual(a.shape, b.shape, message, line: line)
        let (x, y) = (a.plain().toArray(), b.plain().toArray())
        let worst = zip(x, y).map { abs($0 - $1) }.max() ?? 0
        XCTAssertLessThanOrEqual(worst, accuracy, "\(message): max |difference| \(worst)", line: line)
    }

    func testImageNetworksAreTheSavedOnes() throws {
        var rng = RandomSource(seed: 3)
        // Saved with seed 7; NetworkForward builds with seed 0 and must then load the file.
        let denoiser = DenoiseUNet(BatchFixtures.smallArchitecture(channels: 3), seed: 7)
        try ModelFile.save(denoiser, architecture: denoiser.architecture, trainingJSON: nil, to: folder + "/denoise.safetensors")
        let x = Tensor.uniform([2, 3, 8, 12], using: &rng)
        let denoise = try NetworkForward.forModel(at: folder + "/denoise.safetensors")
        XCTAssertEqual([denoise.kind, denoise.part], [DenoiserArchitecture.kindName, "network"])
        denoiser.eval()
        assertEqual(try denoise.run(x), Autograd.withoutGrad { denoiser(x).plain() }, "denoise")

        let colorizer = ColorizeNet(ColorizeTests.smallArchitecture(), seed: 7)
        try ModelFile.save(colorizer, architecture: colorizer.architecture, trainingJSON: nil, to: folder + "/colorize.safetensors")
        let stride = colorizer.architecture.totalStride
        let l = Tensor.uniform([1, 1, 2 * stride, 3 * stride], using: &rng) * 2 - 1
        let logits = try NetworkForward.forModel(at: folder + "/colorize.safetensors").run(l)
        XCTAssertEqual(logits.shape, [1, colorizer.architecture.classCount, 2 * stride / colorizer.architecture.outputStride,
                                      3 * stride / colorizer.architecture.outputStride])
        colorizer.eval()
        assertEqual(logits, Autograd.withoutGrad { colorizer(l).plain() }, "colorize")
    }

    /// The upscaler's detail is what `Upscaler` adds to Pillow's bicubic: together they are the task's output.
    func testUpscaleDetailPlusBicubicIsTheUpscalersOutput() throws {
        let network = UpscaleNet(UpscalerArchitecture(channels: 1, scale: 2, features: 8, code: 8, mapping: 1), seed: 7)
        let path = folder + "/upscale.safetensors"
        try ModelFile.save(network, architecture: network.architecture, trainingJSON: nil, to: path)
        var rng = RandomSource(seed: 4)
        let (w, h) = (13, 9)
        let planes = Tensor.uniform([1, 1, h, w], using: &rng).toArray()
        let detail = try NetworkForward.forModel(at: path).run(Tensor(planes, shape: [1, 1, h, w]))
        XCTAssertEqual(detail.shape, [1, 1, 2 * h, 2 * w])
        let bicubic = planes.withUnsafeBufferPointer { Resize.bicubic($0, channels: 1, width: w, height: h, newWidth: 2 * w, newHeight: 2 * h) }
        let whole = try Upscaler(modelPath: path).upscaleWhole(planes, width: w, height: h)
        let sum = zip(detail.toArray(), bicubic).map(+)
        XCTAssertEqual(zip(sum, whole).map { abs($0 - $1) }.max()!, 0, accuracy: 1e-6)
    }

    /// Decoders and generators are what `latent generate` decodes; encoders what `latent encode` gives.
    func testGenerativePartsAreTheModelsOwn() throws {
        let vae = ConvAutoencoder(AutoencoderArchitecture(imageSize: 16, channels: 1, latentDim: 4, widths: [8, 16]), seed: 7)
        try ModelFile.save(vae, architecture: vae.architecture, trainingJSON: nil, to: folder + "/vae.safetensors")
        let gan = DCGAN(GANArchitecture(imageSize: 16, channels: 3, latentDim: 5, widths: [8, 16]), seed: 7)
        try ModelFile.save(gan, architecture: gan.architecture, trainingJSON: nil, to: folder + "/gan.safetensors")
        var rng = RandomSource(seed: 5)

        let autoencoder = try GenerativeModel(modelPath: folder + "/vae.safetensors")
        let codes = autoencoder.sampleCodes(count: 3, seed: 1)
        let decoder = try NetworkForward.forModel(at: folder + "/vae.safetensors")
        XCTAssertEqual(decoder.part, "decoder")
        assertEqual(try decoder.run(codes), autoencoder.decode(codes), "vae decoder")
        let images = Tensor.uniform([3, 1, 16, 16], using: &rng)
        let encoder = try NetworkForward.forModel(at: folder + "/vae.safetensors", part: "encoder")
        assertEqual(try encoder.run(images), try autoencoder.encode(images), "vae encoder")

        let generative = try GenerativeModel(modelPath: folder + "/gan.safetensors")
        let z = generative.sampleCodes(count: 3, seed: 1)
        assertEqual(try NetworkForward.forModel(at: folder + "/gan.safetensors").run(z), generative.decode(z), "gan generator")
        let logits = try NetworkForward.forModel(at: folder + "/gan.safetensors", part: "discriminator")
            .run(Tensor.uniform([3, 3, 16, 16], using: &rng))
        XCTAssertEqual(logits.shape, [3])
        XCTAssertTrue(logits.toArray().allSatisfy(\.isFinite))
    }

    /// The codec's synthesis is what `latent decode` runs on the decoded latent, and its analysis
    /// what `latent encode` rounds: both loaded from the file the training writes.
    func testCodecPartsAreTheCodecsTransforms() throws {
        let network = FactorizedPriorCodec(CompressionArchitecture(width: 8, latentChannels: 6, levels: 2), seed: 7)
        let path = folder + "/compress.safetensors"
        try ModelFile.save(network, architecture: network.architecture, trainingJSON: "{}",
                           extraTensors: try EntropyTables(density: network.density).storedTensors(), to: path)
        network.eval()
        var rng = RandomSource(seed: 6)
        let synthesis = try NetworkForward.forModel(at: path)
        XCTAssertEqual(synthesis.part, "synthesis")
        let latent = (Tensor.uniform([2, 6, 3, 5], using: &rng) * 8 - 4)
        let image = try synthesis.run(latent)
        XCTAssertEqual(image.shape, [2, 3, 12, 20])
        assertEqual(image, Autograd.withoutGrad { network.synthesis(latent).plain() }, "synthesis")
        let x = Tensor.uniform([1, 3, 8, 12], using: &rng)
        let analysis = try NetworkForward.forModel(at: path, part: "analysis")
        assertEqual(try analysis.run(x), Autograd.withoutGrad { network.analysis(x).plain() }, "analysis")
        XCTAssertThrowsError(try analysis.run(Tensor.zeros([1, 3, 6, 8]))) { error in
            XCTAssertTrue("\(error)".contains("multiples of 4"), "\(error)")
        }
    }

    func testWrongPartsAndShapesAreClearErrors() throws {
        let gan = DCGAN(GANArchitecture(imageSize: 16, channels: 1, latentDim: 5, widths: [8, 16]), seed: 7)
        let path = folder + "/gan.safetensors"
        try ModelFile.save(gan, architecture: gan.architecture, trainingJSON: nil, to: path)
        XCTAssertThrowsError(try NetworkForward.forModel(at: path, part: "encoder")) { error in
            XCTAssertTrue("\(error)".contains("no part \"encoder\"") && "\(error)".contains("generator, discriminator"), "\(error)")
        }
        let generator = try NetworkForward.forModel(at: path)
        XCTAssertThrowsError(try generator.run(Tensor.zeros([2, 4]))) { error in
            XCTAssertTrue("\(error)".contains(path) && "\(error)".contains("codes [N, 5]"), "\(error)")
        }
        let denoiser = DenoiseUNet(BatchFixtures.smallArchitecture(channels: 1), seed: 1)
        try ModelFile.save(denoiser, architecture: denoiser.architecture, trainingJSON: nil, to: folder + "/denoise.safetensors")
        XCTAssertThrowsError(try NetworkForward.forModel(at: folder + "/denoise.safetensors").run(Tensor.zeros([1, 1, 6, 8]))) { error in
            XCTAssertTrue("\(error)".contains("multiples of \(denoiser.architecture.totalStride)"), "\(error)")
        }
        XCTAssertEqual(NetworkForward.parts(ofKind: "no-such-kind"), [])
    }
}
