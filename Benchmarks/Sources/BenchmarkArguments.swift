/// The benchmark executable's command line: positional words, `--name value` options and the
/// `--json` flag.
struct BenchmarkArguments {
    var positional: [String] = []
    var options: [String: String] = [:]
    var json = false

    static let flags: Set<String> = ["json"]

    init(_ words: [String]) {
        var index = 0
        while index < words.count {
            let word = words[index]
            if word.hasPrefix("--") || (word.hasPrefix("-") && word.count == 2) {
                let name = String(word.drop(while: { $0 == "-" }))
                if Self.flags.contains(name) {
                    json = true
                } else if index + 1 < words.count {
                    options[name] = words[index + 1]
                    index += 1
                } else {
                    options[name] = ""
                }
            } else {
                positional.append(word)
            }
            index += 1
        }
    }

    func droppingFirst() -> BenchmarkArguments {
        var copy = self
        copy.positional.removeFirst()
        return copy
    }

    func integer(_ name: String) throws -> Int? {
        guard let text = options[name] else { return nil }
        guard let value = Int(text), value > 0 else { throw BenchmarkUsage("--\(name) needs a positive integer, not \"\(text)\"") }
        return value
    }
}

struct BenchmarkUsage: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
