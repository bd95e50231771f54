import ArgumentParser
import LatentTasks

struct EncodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encode",
        abstract: "Compress images to latent codes (.lat files) with a learned codec.",
        discussion: """
        Each image becomes <stem>.lat under -o (the input tree mirrored): the analysis transform's \
        latent, quantized and range coded with the model's frozen per-channel tables. Any size is \
        accepted (padding to the codec's stride is handled inside); gray images are coded as colour \
        and decoded back to gray; images with alpha are refused. The file names the model and its \
        weights' hash, so `latent decode` finds the model by itself. Outputs are written atomically \
        and existing ones are skipped. --refine N spends N gradient steps per image improving its \
        latent for the model's own rate–distortion cost (smaller files at the same quality; decoding \
        is unchanged). Exit status: 0 when every file succeeded or was skipped, 1 \
        when any failed, 64 for usage errors.
        """)

    @Option(help: ArgumentHelp("Quality level: the installed model compress-qQ (higher: more bytes, more fidelity; default \(CompressBatch.defaultQuality)).", valueName: "Q"))
    var quality: Int?

    @Option(help: ArgumentHelp("Model name or path (instead of --quality).", valueName: "name|path"))
    var model: String?

    @OptionGroup var refinement: RefinementOptions

    @OptionGroup var batch: CodecBatchOptions

    func validate() throws {
        if quality != nil && model != nil { throw ValidationError("give --quality or --model, not both") }
        if let quality, !CompressBatch.qualities.contains(quality) {
            throw ValidationError("--quality must be \(CompressBatch.qualities.lowerBound)–\(CompressBatch.qualities.upperBound)")
        }
    }

    func run() throws {
        let name = model ?? CompressBatch.modelName(quality: quality ?? CompressBatch.defaultQuality)
        try batch.run(command: "latent encode") { CompressBatch.encodeTask(model: name, activationBudget: $0, refinement: refinement.refinement) }
    }
}
