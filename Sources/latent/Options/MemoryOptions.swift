import ArgumentParser

/// `--max-memory` alone, for batch commands without tiles of their own to size (encode, decode:
/// the codec sizes its latent tiles from the same budget).
struct MemoryOptions: ParsableArguments {
    @Option(name: .customLong("max-memory"),
            help: ArgumentHelp("Memory target, e.g. 1G, 512M: a quarter for the transforms' activations (larger images run in tiles), the rest for images in flight.", valueName: "size"))
    var maxMemory: String = "1G"

    var bytes: Int { TilingOptions.parseBytes(maxMemory) ?? (1 << 30) }

    func validate() throws {
        guard let bytes = TilingOptions.parseBytes(maxMemory), bytes >= 16 << 20 else {
            throw ValidationError("--max-memory takes a size of at least 16M, e.g. 512M or 2G")
        }
    }
}
