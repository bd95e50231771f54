import Foundation
import LatentModels
import LatentNN
import LatentTasks
import LatentTensor

/// How `latent` applies a model of each kind to one image: the batch task its subcommand runs
/// (tiling, alpha and clamping included). A new image-to-image kind adds one entry.
let imageTasks: [String: (_ modelPath: String) throws -> BatchTask] = [
    DenoiserArchitecture.kindName: { path in
        DenoiseBatch.task(model: path, tileSize: nil, activationBudget: defaultActivationBudget)
    },
    ColorizerArchitecture.kindName: { path in ColorizeTask(model: path) },
    // `latent encode`: image to .lat bytes (decoding is timed by the compress suite).
    CompressionArchitecture.kindName: { path in CompressBatch.encodeTask(model: path, activationBudget: defaultActivationBudget) },
]

/// What `latent` gives a tile's activations unless told otherwise (`--max-memory` 1 GiB / 4).
let defaultActivationBudget = BatchConfiguration(inputs: [], naming: OutputNaming(folder: "")).activationBudget

/// Kinds that draw images from latent codes rather than transform them.
let generativeKinds: Set<String> = [AutoencoderArchitecture.variationalKind, AutoencoderArchitecture.plainKind,
                                    GANArchitecture.kindName]

/// `LatentBenchmarks models`: every installed model (`latent models`), found generically.
/// - Image-to-image kinds: megapixels per second on a 1024×1024 photo through the task `latent`
///   runs (gray photo for 1-channel models), wall and process CPU time.
/// - Generative kinds: images drawn per second (decoding batches of 64 codes).
/// - Every kind: one training step (`TrainingStep`, the training loop's own step) at the batch
///   and size its training record gives, in samples per second.
/// With `json`, one JSON line per model.
func runModelBenchmarks(json: Bool, runs: Int = 5, only names: Set<String>? = nil) throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    let photo = try Image(contentsOf: root.appendingPathComponent("Assets/astronaut.png").path).resized(width: 1024, height: 1024)
    let models = InstalledModel.all().filter { names?.contains($0.name) ?? true }
    print("models: \(models.count) installed; \(Engine.threads) threads, median of \(runs) runs after \(BenchmarkTimer.warmUp) warm-ups, load \(String(format: "%.2f", oneMinuteLoadAverage()))")
    for model in models {
        let kind = model.kind ?? "unknown"
        if kind == UpscalerArchitecture.kindName {
            // Upscalers report input and output megapixels and the network alone: their own benchmark.
            try runUpscaleBenchmark(name: model.name, path: model.path, photo: photo, json: json); continue
        }
        var record: [String: JSONLine.Value] = ["suite": .string("models"), "model": .string(model.name), "kind": .string(kind),
                                                "threads": .number(Double(Engine.threads))]
        if let makeTask = imageTasks[kind] {
            let task = try makeTask(model.path)
            let input = model.inputChannels == 1 ? photo.grayscale() : photo.rgb()
            _ = try task.process(input) { _ in }  // loads the model
            let (wall, cpu) = BenchmarkTimer.medianWallAndCPU(runs: runs) { _ = try? task.process(input) { _ in } }
            let megapixels = Double(input.pixelCount) / 1e6
            print("  \(model.name) (\(kind)) inference on 1024²: " + String(format: "%.0f ms per MP, %.2f MP/s; CPU %.2f s per MP",
                                                                              wall / megapixels, megapixels * 1000 / wall, cpu / megapixels / 1000))
            record["inference_ms_per_mp"] = .number((wall / megapixels).rounded())
            record["inference_mp_per_s"] = .number((megapixels * 1e5 / wall).rounded() / 100)
            record["inference_cpu_s_per_mp"] = .number((cpu / megapixels).rounded() / 1000)
        } else if generativeKinds.contains(kind) {
            let generator = try GenerativeModel(modelPath: model.path)
            let codes = generator.sampleCodes(count: 64, seed: 1)
            let (wall, cpu) = BenchmarkTimer.medianWallAndCPU(runs: runs) { _ = generator.decode(codes) }
            print("  \(model.name) (\(kind)) generation: " + String(format: "%.0f images/s of %d×%d (64 per call); CPU %.1f ms per 64",
                                                                      64_000 / wall, generator.imageSize, generator.imageSize, cpu))
            record["generate_images_per_s"] = .number((64_000 / wall).rounded())
            record["generate_cpu_ms_per_64"] = .number(cpu.rounded())
        } else {
            print("  \(model.name): no inference benchmark for \(kind) models yet (add it to imageTasks in ModelBenchmarks.swift)")
        }

        do {
            let step = try TrainingStep.forModel(at: model.path)
            let measured = measureTrainingStep(step, runs: runs)
            print("  \(model.name) training step: " + String(format: "%.0f ms for %d × %d², %.1f samples/s; CPU %.0f ms",
                                                           measured.wall, step.batch, step.size, measured.samplesPerSecond, measured.cpu))
            record.merge(measured.json(step)) { $1 }
        } catch {
            print("  \(model.name) training step: \(error)")
        }
        record["load_average_1min"] = .number((oneMinuteLoadAverage() * 100).rounded() / 100)
        if json { print(JSONLine.encode(record)) }
    }
}

/// An upscaler on a 1024×1024 photo as `latent upscale` runs it (decoded image in, image out:
/// tiles, luma with bicubic chroma), in input and output megapixels per second; the network alone
/// on the luma plane; and one training step at the recorded batch and patch size.
func runUpscaleBenchmark(name: String, path: String, photo: Image, json: Bool) throws {
    let upscaler = try Upscaler(modelPath: path)
    let s = upscaler.scale
    let task = UpscaleBatch.task(upscaler, tileSize: nil, activationBudget: 256 << 20)
    let input = photo.rgb()
    let (whole, wholeCPU) = BenchmarkTimer.medianWallAndCPU(runs: 5) { _ = try? task.process(input, progress: { _ in }) }
    let luma = Tensor(photo.grayscale().samples, shape: [1, 1, photo.height, photo.width])
    let planes = upscaler.channels == 1 ? luma : Tensor(photo.rgb().samples, shape: [1, 3, photo.height, photo.width])
    let (network, _) = BenchmarkTimer.medianWallAndCPU(runs: 5) { _ = Autograd.withoutGrad { upscaler.network(planes).plain() } }
    let inputMP = Double(photo.pixelCount) / 1e6
    let flops = upscaler.network.architecture.flopsPerInputPixel * Double(photo.pixelCount)
    print("  \(name) (×\(s)) inference: " + String(format:
        "%.0f ms, %.2f input MP/s = %.2f output MP/s; CPU %.2f s per input MP; network alone %.0f ms (%.1f GFLOP/s)",
        whole, inputMP * 1000 / whole, inputMP * Double(s * s) * 1000 / whole, wholeCPU / 1000 / inputMP,
        network, flops / network / 1e6))

    // The training loop's own step (detail target, loss, Adam) at the recorded batch and patch size.
    let trainingStep = try TrainingStep.forModel(at: path)
    let (batch, patch) = (trainingStep.batch, trainingStep.size)
    let (step, stepCPU) = BenchmarkTimer.medianWallAndCPU(runs: 5) { _ = trainingStep.run() }
    print("  \(name) training step: " + String(format: "%.0f ms for %d × %d² (output) patches, %.1f samples/s; CPU %.0f ms",
                                            step, batch, patch, Double(batch) * 1000 / step, stepCPU))
    if json {
        print(JSONLine.encode([
            "suite": .string("models"), "model": .string(name), "kind": .string(UpscalerArchitecture.kindName),
            "scale": .number(Double(s)),
            "inference_ms_per_input_mp": .number((whole / inputMP).rounded()),
            "inference_input_mp_per_s": .number((inputMP * 100_000 / whole).rounded() / 100),
            "inference_output_mp_per_s": .number((inputMP * Double(s * s) * 100_000 / whole).rounded() / 100),
            "inference_cpu_s_per_input_mp": .number((wholeCPU / inputMP).rounded() / 1000),
            "network_ms": .number(network.rounded()),
            "train_cpu_ms_per_step": .number(stepCPU.rounded()),
            "load_average_1min": .number((oneMinuteLoadAverage() * 100).rounded() / 100),
            "train_samples_per_s": .number((Double(batch) * 10000 / step).rounded() / 10),
            "train_batch": .number(Double(batch)), "train_patch": .number(Double(patch)),
            "threads": .number(Double(Engine.threads)),
        ]))
    }
}

/// `LatentBenchmarks train-step MODEL [--batch B] [--patch P] [--threads T] [--json]`: the
/// training step of one model file at a chosen batch and patch size (compare.py runs PyTorch at
/// the same ones).
func runTrainingStepBenchmark(_ arguments: BenchmarkArguments) throws {
    guard let path = arguments.positional.first else {
        throw BenchmarkUsage("train-step needs a model file: LatentBenchmarks train-step MODEL [--batch B] [--patch P] [--threads T] [--json]")
    }
    Engine.setThreads(try arguments.integer("threads") ?? 2)
    let step = try TrainingStep.forModel(at: ModelLocator.resolve(path), batch: try arguments.integer("batch"),
                                         size: try arguments.integer("patch"))
    let measured = measureTrainingStep(step, runs: try arguments.integer("runs") ?? 5)
    if arguments.json {
        var record = measured.json(step)
        record["model"] = .string(path)
        record["kind"] = .string(step.kind)
        record["threads"] = .number(Double(Engine.threads))
        record["load_average_1min"] = .number((oneMinuteLoadAverage() * 100).rounded() / 100)
        print(JSONLine.encode(record))
    } else {
        print(String(format: "%@ (%@) training step: %.0f ms for %d × %d², %.1f samples/s; CPU %.0f ms; %d threads",
                     path, step.kind, measured.wall, step.batch, step.size, measured.samplesPerSecond, measured.cpu, Engine.threads))
    }
}

struct MeasuredStep {
    var wall: Double
    var cpu: Double
    var batch: Int
    var samplesPerSecond: Double { Double(batch) * 1000 / wall }

    func json(_ step: TrainingStep) -> [String: JSONLine.Value] {
        ["train_samples_per_s": .number((samplesPerSecond * 100).rounded() / 100), "train_ms_per_step": .number(wall.rounded()),
         "train_cpu_ms_per_step": .number(cpu.rounded()), "train_batch": .number(Double(step.batch)),
         "train_patch": .number(Double(step.size))]
    }
}

func measureTrainingStep(_ step: TrainingStep, runs: Int) -> MeasuredStep {
    let (wall, cpu) = BenchmarkTimer.medianWallAndCPU(runs: runs) { _ = step.run() }
    return MeasuredStep(wall: wall, cpu: cpu, batch: step.batch)
}

/// The machine's 1-minute load average: benchmarks record it, since other jobs inflate wall times.
func oneMinuteLoadAverage() -> Double {
    var loads = [Double](repeating: 0, count: 3)
    return getloadavg(&loads, 3) > 0 ? loads[0] : .nan
}

/// `LatentBenchmarks infer MODEL IMAGE [--threads T] [--runs N] [--json]`: in-process time of the
/// task `latent` runs on one image (model loaded, image decoded beforehand; no start-up, no
/// encoding), for compare.py to set beside PyTorch's and ONNX Runtime's forward passes.
func runInferenceBenchmark(_ arguments: BenchmarkArguments) throws {
    guard arguments.positional.count == 2 else {
        throw BenchmarkUsage("infer needs a model and an image: LatentBenchmarks infer MODEL IMAGE [--threads T] [--runs N] [--json]")
    }
    let path = try ModelLocator.resolve(arguments.positional[0])
    let kind = try ModelFile(path: path).kind
    guard let makeTask = imageTasks[kind] else { throw BenchmarkUsage("no inference benchmark for \(kind) models yet") }
    Engine.setThreads(try arguments.integer("threads") ?? 2)
    let task = try makeTask(path)
    let image = try Image(contentsOf: arguments.positional[1])
    _ = try task.process(image) { _ in }
    let (wall, cpu) = BenchmarkTimer.medianWallAndCPU(runs: try arguments.integer("runs") ?? 5, warmUp: 1) {
        _ = try? task.process(image) { _ in }
    }
    let megapixels = Double(image.pixelCount) / 1e6
    if arguments.json {
        print(JSONLine.encode([
            "model": .string(arguments.positional[0]), "kind": .string(kind), "width": .number(Double(image.width)),
            "height": .number(Double(image.height)), "latent_ms_per_mp": .number((wall / megapixels * 10).rounded() / 10),
            "latent_cpu_ms_per_mp": .number((cpu / megapixels * 10).rounded() / 10), "threads": .number(Double(Engine.threads)),
            "load_average_1min": .number((oneMinuteLoadAverage() * 100).rounded() / 100),
        ]))
    } else {
        print(String(format: "%@ on %@ (%d×%d): %.0f ms per MP, CPU %.0f ms per MP, %d threads", arguments.positional[0],
                     arguments.positional[1], image.width, image.height, wall / megapixels, cpu / megapixels, Engine.threads))
    }
}
