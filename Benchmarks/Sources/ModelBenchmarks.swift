import Foundation
import LatentModels
import LatentNN
import LatentTasks
import LatentTensor

/// Every installed model's inference speed on a 1024×1024 photo (megapixels per second) and its
/// training step (samples per second at the batch and patch size its card records).
/// With `json`, each model also gets one JSON line (`model`, `inference_mp_per_s`,
/// `inference_ms_per_mp`, `train_samples_per_s`, `train_batch`, `train_patch`, `threads`).
func runModelBenchmarks(json: Bool = false) throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    let photo = try Image(contentsOf: root.appendingPathComponent("Assets/astronaut.png").path).resized(width: 1024, height: 1024)
    let models = ModelLocator.installed()
    print("models: \(models.count) installed; 1024×1024 input, \(Engine.threads) threads, median of \(BenchmarkTimer.runs) runs after \(BenchmarkTimer.warmUp) warm-ups")
    for (name, path) in models {
        let kind = try? ModelFile(path: path).kind
        guard kind == DenoiserArchitecture.kindName else {
            print("  \(name): " + (kind == CompressionArchitecture.kindName ? "measured by the compress suite" : "no benchmark for this kind yet"))
            continue
        }
        let denoiser = try Denoiser(modelPath: path)
        let input = denoiser.channels == 1 ? photo.grayscale() : photo.rgb()
        let (inference, inferenceCPU) = BenchmarkTimer.medianWallAndCPU(runs: 5) { _ = denoiser.denoise(input) }
        print("  \(name) inference: " + String(format: "%.0f ms per MP, %.2f MP/s; CPU %.2f s per MP (%.2f MP/s on %d cores if CPU-bound)",
                                                inference / 1.048576, 1048.576 / inference, inferenceCPU / 1048.576,
                                                1048.576 * Double(Engine.threads) / inferenceCPU, Engine.threads))

        // One training step at the recorded batch and patch size (defaults 16 × 64²).
        let options = (try? ModelFile(path: path).trainingJSON).flatMap { $0 }.flatMap { record -> DenoiseTrainingOptions? in
            guard let data = record.data(using: .utf8),
                  let fields = try? JSONSerialization.jsonObject(with: data) as? [String: String],
                  let json = fields["options"]?.data(using: .utf8) else { return nil }
            return try? JSONDecoder().decode(DenoiseTrainingOptions.self, from: json)
        }
        let (batch, patch) = (options?.batch ?? 16, options?.patch ?? 64)
        let network = DenoiseUNet(denoiser.network.architecture, seed: 1)
        let optimizer = Adam(network.namedParameters(), learningRate: 1e-4)
        var rng = RandomSource(seed: 2)
        let clean = Tensor.uniform([batch, denoiser.channels, patch, patch], using: &rng)
        let noisy = clean + Tensor.normal(clean.shape, std: 0.1, using: &rng)
        let (step, stepCPU) = BenchmarkTimer.medianWallAndCPU(runs: 5) {
            network.zeroGrad()
            Loss.charbonnier(network(noisy), clean).backward()
            optimizer.step()
        }
        print("  \(name) training step: " + String(format: "%.0f ms for %d × %d², %.1f samples/s; CPU %.0f ms", step, batch, patch, Double(batch) * 1000 / step, stepCPU))
        if json {
            print(JSONLine.encode([
                "model": .string(name), "inference_ms_per_mp": .number((inference / 1.048576).rounded()),
                "inference_mp_per_s": .number((104857.6 / inference).rounded() / 100),
                "inference_cpu_s_per_mp": .number((inferenceCPU / 1.048576).rounded() / 1000),
                "train_cpu_ms_per_step": .number(stepCPU.rounded()),
                "load_average_1min": .number((oneMinuteLoadAverage() * 100).rounded() / 100),
                "train_samples_per_s": .number((Double(batch) * 10000 / step).rounded() / 10),
                "train_batch": .number(Double(batch)), "train_patch": .number(Double(patch)),
                "threads": .number(Double(Engine.threads)),
            ]))
        }
    }
}

/// The machine's 1-minute load average: benchmarks record it, since other jobs inflate wall times.
func oneMinuteLoadAverage() -> Double {
    var loads = [Double](repeating: 0, count: 3)
    return getloadavg(&loads, 3) > 0 ? loads[0] : .nan
}
