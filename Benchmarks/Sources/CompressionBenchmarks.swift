import Foundation
import LatentModels
import LatentNN
import LatentTasks
import LatentTensor

/// The learned codec's speed: `latent encode` and `latent decode` of a 768×512 photo (Kodak's
/// size) per installed compress-factorized model — or, with none installed, a randomly
/// initialised one of the default architecture (labelled so; speed does not depend on the
/// weights, only the file size does) — the entropy coder alone, and one training step at the
/// default batch and patch size. With `json`, one JSON line per measurement.
func runCompressionBenchmarks(json: Bool = false) throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    let photo = try Image(contentsOf: root.appendingPathComponent("Assets/astronaut.png").path).rgb().resized(width: 768, height: 512)
    var codecs: [(String, LatentCodec)] = []
    for model in InstalledModel.all() where model.kind == CompressionArchitecture.kindName {
        codecs.append((model.name, try LatentCodec(modelPath: model.path)))
    }
    if codecs.isEmpty {
        let network = FactorizedPriorCodec(CompressionArchitecture(), seed: 1)
        network.eval()
        codecs.append(("random-init default", try LatentCodec(network: network, tables: EntropyTables(density: network.density))))
    }
    let megapixels = Double(photo.pixelCount) / 1e6
    print("compress: 768×512 input, \(Engine.threads) threads, median of 5 runs after 1 warm-up")
    for (name, codec) in codecs {
        var bytes: [UInt8] = []
        let (encode, encodeCPU) = BenchmarkTimer.medianWallAndCPU(runs: 5, warmUp: 1) { bytes = try! codec.encode(photo) }
        let file = try LatentCodeFile(parsing: bytes, source: name)
        let (decode, decodeCPU) = BenchmarkTimer.medianWallAndCPU(runs: 5, warmUp: 1) { _ = try! codec.decode(file, source: name) }
        let (lw, lh) = codec.architecture.latentSize(width: photo.width, height: photo.height)
        let symbols = Double(codec.architecture.latentChannels * lw * lh)
        let (coding, _) = BenchmarkTimer.medianWallAndCPU(runs: 5, warmUp: 1) { _ = try! codec.tables.decode(file.stream, height: lh, width: lw) }
        print("  \(name): " + String(format: "encode %.0f ms (%.2f MP/s, CPU %.0f ms), decode %.0f ms (%.2f MP/s, CPU %.0f ms); "
                                     + "%d bytes, %.3f bpp; range decoding alone %.1f ms (%.0f Msymbols/s)",
                                     encode, megapixels * 1000 / encode, encodeCPU, decode, megapixels * 1000 / decode, decodeCPU,
                                     bytes.count, Double(bytes.count * 8) / Double(photo.pixelCount), coding, symbols / coding / 1000))
        if json {
            print(JSONLine.encode([
                "suite": .string("compress"), "model": .string(name), "encode_ms": .number(encode.rounded()), "decode_ms": .number(decode.rounded()),
                "encode_mp_per_s": .number((megapixels * 100_000 / encode).rounded() / 100),
                "decode_mp_per_s": .number((megapixels * 100_000 / decode).rounded() / 100),
                "range_decode_ms": .number((coding * 10).rounded() / 10), "bytes": .number(Double(bytes.count)),
                "threads": .number(Double(Engine.threads)), "load_average_1min": .number((oneMinuteLoadAverage() * 100).rounded() / 100),
            ]))
        }
    }

    // The training loop's own step for the default architecture at the default batch and patch.
    let defaults = CompressTrainingOptions(data: "", output: "")
    let trainingStep = try TrainingStep.compress(defaults.architecture, options: defaults)
    let measured = measureTrainingStep(trainingStep, runs: 3)
    print("  training step (width \(defaults.width), latent \(defaults.latentChannels)): "
          + String(format: "%.0f ms for %d × %d², %.2f samples/s; CPU %.0f ms", measured.wall, defaults.batch, defaults.patch,
                   measured.samplesPerSecond, measured.cpu))
    if json {
        var record = measured.json(trainingStep)
        record["suite"] = .string("compress")
        record["model"] = .string("compress-factorized training")
        record["threads"] = .number(Double(Engine.threads))
        record["load_average_1min"] = .number((oneMinuteLoadAverage() * 100).rounded() / 100)
        print(JSONLine.encode(record))
    }
}
