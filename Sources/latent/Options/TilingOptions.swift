import ArgumentParser

/// Tile size and the memory budget that chooses it.
struct TilingOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Tile side in pixels (rounded down to the model's stride); default: the largest whose activations fit a quarter of --max-memory.", valueName: "pixels"))
    var tile: Int?

    @Option(name: .customLong("max-memory"),
            help: ArgumentHelp("Memory target, e.g. 1G, 512M: a quarter for a tile's activations, the rest for images in flight.", valueName: "size"))
    var maxMemory: String = "1G"

    /// Bytes, from "1073741824", "1G", "1GiB", "512M", "64MB", "900k".
    var maxMemoryBytes: Int? { Self.parseBytes(maxMemory) }

    static func parseBytes(_ maxMemory: String) -> Int? {
        let text = maxMemory.uppercased().replacingOccurrences(of: "IB", with: "").replacingOccurrences(of: "B", with: "")
        let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
        if let last = text.last, let unit = units[last], let value = Double(text.dropLast()), value > 0 {
            return Int(value * Double(unit))
        }
        return Int(text)
    }

    func validate() throws {
        if let tile, tile < 8 { throw ValidationError("--tile must be at least 8") }
        guard let bytes = maxMemoryBytes, bytes >= 16 << 20 else {
            throw ValidationError("--max-memory takes a size of at least 16M, e.g. 512M or 2G")
        }
    }
}
