// LatentBenchmarks <suite>: one suite per name (release builds only give meaningful numbers).
import Foundation

let suite = CommandLine.arguments.dropFirst().first ?? "engine"
switch suite {
case "engine": runEngineBenchmarks()
default:
    print("unknown suite '\(suite)'; available: engine")
    exit(2)
}
