// LatentBenchmarks [suite…]: runs the named suites (the measuring ones when none is named).
// Build with -c release.
import LatentTasks

ProcessSetup.prepareThreads()
let suites: [String: () throws -> Void] = [
    "codecs": { try runCodecBenchmarks() },
    "engine": { runEngineBenchmarks() },
    "models": { try runModelBenchmarks(json: CommandLine.arguments.contains("--json")) },
    "compress": { try runCompressionBenchmarks(json: CommandLine.arguments.contains("--json")) },
    // Not a measurement: writes the inputs that Benchmarks/batch-rss.sh measures.
    "batch-fixtures": { try writeBatchFixtures() },
]
let measuring = ["codecs", "engine", "models", "compress"]
let requested = CommandLine.arguments.dropFirst().filter { !$0.hasPrefix("--") }
for name in requested.isEmpty ? measuring : Array(requested) {
    guard let suite = suites[name] else {
        print("unknown suite \(name); available: \(suites.keys.sorted().joined(separator: ", "))")
        continue
    }
    do { try suite() } catch { print("\(name): \(error)") }
}
