// LatentBenchmarks: release-mode measurements (build with -c release). See docs/benchmarks.md.
//
//   LatentBenchmarks [codecs] [engine] [models] [compress] [--json]
//                                                            measuring suites (all four when none is named);
//                                                            codecs --format jpeg|png measures one format;
//                                                            models --only NAME,… measures some installed models
//   LatentBenchmarks train-step MODEL [--batch B] [--patch P] [--threads T] [--json]
//   LatentBenchmarks infer MODEL IMAGE [--threads T] [--json]
//   LatentBenchmarks upscale-tiles MODEL [--tiles A,B,…] [--threads T]
//   LatentBenchmarks forward MODEL INPUT.safetensors -o OUTPUT.safetensors [--part P] [--threads T] [--runs N] [--json]
//   LatentBenchmarks chart RESULTS.jsonl... -o CHART.png
//   LatentBenchmarks batch-fixtures                          inputs for Benchmarks/batch-rss.sh
import Foundation
import LatentTasks

ProcessSetup.prepareThreads()
let arguments = BenchmarkArguments(Array(CommandLine.arguments.dropFirst()))
let suites: [String: () throws -> Void] = [
    "codecs": {
        let formats = try arguments.options["format"].map { name in
            guard let format = ImageFormat(fileExtensionOf: "." + name) else { throw BenchmarkUsage("--format png or jpeg") }
            return [format]
        } ?? [ImageFormat.jpeg, .png]
        try runCodecBenchmarks(json: arguments.json, formats: formats)
    },
    "engine": { try runEngineBenchmarks(json: arguments.json) },
    "models": {
        let only = arguments.options["only"].map { Set($0.split(separator: ",").map(String.init)) }
        try runModelBenchmarks(json: arguments.json, only: only)
    },
    "compress": { try runCompressionBenchmarks(json: arguments.json) },
]
let tools: [String: (BenchmarkArguments) throws -> Void] = [
    "train-step": runTrainingStepBenchmark,
    "infer": runInferenceBenchmark,
    "upscale-tiles": runUpscaleTileSweep,
    "forward": runForwardBenchmark,
    "chart": runChart,
    // Not a measurement: writes the inputs that Benchmarks/batch-rss.sh measures.
    "batch-fixtures": { _ in try writeBatchFixtures() },
]

var failed = false
if let name = arguments.positional.first, let tool = tools[name] {
    do {
        try tool(arguments.droppingFirst())
    } catch {
        FileHandle.standardError.write(Data("\(name): \(error)\n".utf8))
        failed = true
    }
} else {
    let requested = arguments.positional.isEmpty ? ["codecs", "engine", "models", "compress"] : arguments.positional
    for name in requested {
        guard let suite = suites[name] else {
            FileHandle.standardError.write(Data("unknown suite \(name); suites: \(suites.keys.sorted().joined(separator: ", ")); tools: \(tools.keys.sorted().joined(separator: ", "))\n".utf8))
            failed = true
            continue
        }
        do { try suite() } catch {
            FileHandle.standardError.write(Data("\(name): \(error)\n".utf8))
            failed = true
        }
    }
}
exit(failed ? 1 : 0)
