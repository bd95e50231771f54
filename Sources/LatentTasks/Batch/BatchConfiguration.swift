import LatentImage

/// Everything a batch run is asked to do, independent of the client task.
public struct BatchConfiguration: Sendable {
    /// Files and folders, mixed.
    public var inputs: [String]
    public var recursive = false
    public var naming: OutputNaming
    /// JPEG quality and PNG depth (nil depth: 16-bit PNG for 16-bit sources, 8-bit otherwise).
    public var write = ImageWriteOptions()
    public var overwrite = false
    public var shard = Shard.all
    public var limits = ImageLimits.default
    /// Target for the whole run's memory: a quarter goes to a tile's activations (see
    /// `activationBudget`), the rest to image buffers in flight in the pipeline.
    public var maxMemory = 1 << 30
    /// Total threads: nil uses every core for inference plus one mostly idle codec thread;
    /// 1 runs everything on one thread, in sequence; N ≥ 2 gives inference N − 1 threads and
    /// decoding/encoding one, so no more than N threads compute at once.
    public var threads: Int?

    public init(inputs: [String], naming: OutputNaming) {
        self.inputs = inputs
        self.naming = naming
    }

    /// Bytes a tile's activations may take.
    public var activationBudget: Int { maxMemory / 4 }
    /// Bytes of decoded and processed images the pipeline may hold at once.
    public var imageBudget: Int { maxMemory - activationBudget }

    /// Refuses configurations that cannot be right (writing into an input folder without a
    /// suffix); thrown as usage errors by the command line.
    public func validate() throws {
        guard !inputs.isEmpty else { throw TaskError.invalidOption("no inputs given") }
        guard (1...100).contains(write.jpeg.quality) else { throw TaskError.invalidOption("--quality must be 1–100") }
        if let depth = write.pngBitDepth, depth != 8 && depth != 16 { throw TaskError.invalidOption("--depth must be 8 or 16") }
        if let threads, threads < 1 { throw TaskError.invalidOption("--threads must be at least 1") }
        guard maxMemory >= 16 << 20 else { throw TaskError.invalidOption("--max-memory must be at least 16M") }
        try naming.validate(inputArguments: inputs)
    }
}
