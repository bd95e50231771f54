// LatentBenchmarks [suite…]: runs the named suites (all when none is named). Build with -c release.
let suites: [String: () throws -> Void] = [
    "codecs": { try runCodecBenchmarks() },
    "batch-fixtures": { try writeBatchFixtures() },
]
let requested = CommandLine.arguments.dropFirst()
for name in requested.isEmpty ? suites.keys.sorted() : Array(requested) {
    guard let suite = suites[name] else {
        print("unknown suite \(name); available: \(suites.keys.sorted().joined(separator: ", "))")
        continue
    }
    do { try suite() } catch { print("\(name): \(error)") }
}
