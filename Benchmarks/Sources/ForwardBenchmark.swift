import Foundation
import LatentNN
import LatentTasks
import LatentTensor

/// `LatentBenchmarks forward MODEL INPUT.safetensors -o OUTPUT.safetensors [--part P] [--threads T] [--runs N] [--json]`:
/// one network of a model file (`NetworkForward`) on the float32 tensor named "input", writing
/// its raw output as the tensor "output", and the in-process time of a call (median of `runs`
/// after one warm-up; the model loaded and the input read beforehand). compare.py feeds PyTorch
/// and ONNX Runtime the same tensor and compares the outputs.
func runForwardBenchmark(_ arguments: BenchmarkArguments) throws {
    let usage = "forward needs a model, an input and an output: LatentBenchmarks forward MODEL INPUT.safetensors -o OUTPUT.safetensors [--part P] [--threads T] [--runs N] [--json]"
    guard arguments.positional.count == 2, let output = arguments.options["o"] ?? arguments.options["output"], !output.isEmpty else {
        throw BenchmarkUsage(usage)
    }
    let (modelName, inputPath) = (arguments.positional[0], arguments.positional[1])
    Engine.setThreads(try arguments.integer("threads") ?? 2)
    let forward = try NetworkForward.forModel(at: ModelLocator.resolve(modelName), part: arguments.options["part"])
    let stored = try SafeTensorsFile(path: inputPath)
    guard let input = stored.tensors["input"] else {
        throw BenchmarkUsage("\(inputPath): no tensor named \"input\" (it has \(stored.sortedTensorNames.joined(separator: ", ")))")
    }
    let x = Tensor(try input.floats(), shape: input.shape)
    let y = try forward.run(x)
    try SafeTensorsFile(tensors: ["output": StoredTensor(floats: y.toArray(), shape: y.shape)]).write(toPath: output)

    let (wall, cpu) = BenchmarkTimer.medianWallAndCPU(runs: try arguments.integer("runs") ?? 5, warmUp: 1) {
        _ = try? forward.run(x)
    }
    if arguments.json {
        print(JSONLine.encode([
            "model": .string(modelName), "kind": .string(forward.kind), "part": .string(forward.part),
            "input_shape": .string(x.shape.map(String.init).joined(separator: "x")),
            "output_shape": .string(y.shape.map(String.init).joined(separator: "x")),
            "latent_ms": .number((wall * 100).rounded() / 100), "latent_cpu_ms": .number((cpu * 100).rounded() / 100),
            "threads": .number(Double(Engine.threads)),
            "load_average_1min": .number((oneMinuteLoadAverage() * 100).rounded() / 100),
        ]))
    } else {
        print(String(format: "%@ %@ (%@): %@ → %@ in %.1f ms, CPU %.1f ms; %d threads", modelName, forward.part, forward.kind,
                     "\(x.shape)", "\(y.shape)", wall, cpu, Engine.threads))
    }
}
