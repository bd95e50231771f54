import Dispatch
import Foundation
import LatentImage
import LatentTensor

/// Applies a `BatchTask` to files and folders.
///
/// Per file: read the header (cheap), name the output, skip it if the output exists (so a rerun
/// resumes), decode, process, encode, write atomically. Files run as a small pipeline: while the
/// main thread runs inference on file i, one codec thread decodes file i + 1 and encodes file
/// i − 1. Decoding ahead waits when its buffers would not fit the memory budget. Decoded
/// samples are recycled (`DecodeBuffers`): each decode writes into memory an earlier image
/// already touched, which makes decoding a large photo to floats cost little more than to bytes.
/// A file that fails is reported and the run goes on; the summary's exit status says whether any failed.
public final class BatchRunner {
    public let configuration: BatchConfiguration
    public let task: BatchTask
    public let observer: BatchObserver

    private let lock = NSLock()
    private var summary = BatchSummary()
    private var progress = BatchProgress(total: 0)
    private var started = Date()
    /// One per in-flight image: the one being processed and the one decoded ahead.
    private let decodeBuffers = DecodeBuffers(maximumSpares: 2)

    /// How the decodes of the last run got their memory (recycled or fresh).
    public var decodeCounts: DecodeBuffers.Counts { decodeBuffers.counts }

    public init(configuration: BatchConfiguration, task: BatchTask, observer: BatchObserver) {
        self.configuration = configuration
        self.task = task
        self.observer = observer
    }

    /// Runs the whole batch. Throws only when the run cannot start (a missing input argument, an
    /// invalid configuration); everything about single files is in the results.
    @discardableResult
    public func run() throws -> BatchSummary {
        try configuration.validate()
        AllocatorTuning.returnLargeBuffersToTheSystem()
        started = Date()
        let plan = try BatchPlan(configuration: configuration, outputKind: task.outputKind, inputKind: task.inputKind)
        for note in plan.notes { observer.noted(note, input: nil) }
        for folder in plan.outputFolders {
            for path in TemporaryFiles.removeStale(in: folder) {
                observer.noted("removed a temporary file left by an interrupted run: \(path)", input: nil)
            }
        }
        progress = BatchProgress(total: plan.entries.count)
        summary = BatchSummary()

        let pipelined = configuration.threads != 1
        if let threads = configuration.threads { Engine.setThreads(max(1, threads - 1)) }
        let codec = pipelined ? DispatchQueue(label: "latent.batch.codec") : nil
        let writes = DispatchGroup()
        let budget = MemoryBudget(limit: configuration.imageBudget)

        var index = 0
        func nextPrepared() -> PreparedFile? {
            while index < plan.entries.count {
                let entry = plan.entries[index]
                index += 1
                switch entry.verdict {
                case .skip(let reason):
                    record(BatchFileResult(input: entry.input.path, output: nil, status: .skipped, message: reason), fast: true)
                case .fail(let reason):
                    record(BatchFileResult(input: entry.input.path, output: nil, status: .error, message: reason))
                case .process:
                    if let prepared = prepare(entry.input) { return prepared }
                }
            }
            return nil
        }
        func startDecoding(_ file: PreparedFile) -> Pending<Result<BatchSource, Error>> {
            let pending = Pending<Result<BatchSource, Error>>()
            perform(on: codec) { pending.fulfil(Result { try self.read(file) }) }
            return pending
        }

        var current: (file: PreparedFile, decoded: Pending<Result<BatchSource, Error>>)?
        if let first = nextPrepared() {
            budget.reserve(first.bytes)
            current = (first, startDecoding(first))
        }
        while let (file, decoded) = current {
            current = nil
            // Look at the next file now, and decode it during this inference if it fits.
            var upcoming = nextPrepared()
            if pipelined, let next = upcoming, budget.tryReserve(next.bytes) {
                current = (next, startDecoding(next))
                upcoming = nil
            }
            switch decoded.take() {
            case .failure(let error):
                budget.release(file.bytes)
                record(failure(file, error))
            case .success(let source):
                beginInference(file)
                let outcome: Result<BatchProduct, Error>
                switch consume source {
                case .image(let image):
                    outcome = Result { try task.process(image) { fraction in self.inferenceProgressed(fraction) } }
                    decodeBuffers.recycle(consume image)
                case .bytes(let bytes):
                    outcome = Result { try task.process(fileBytes: bytes, path: file.input.path) { fraction in self.inferenceProgressed(fraction) } }
                }
                switch outcome {
                case .failure(let error):
                    endInference(file, succeeded: false)
                    budget.release(file.bytes)
                    record(failure(file, error))
                case .success(let product):
                    endInference(file, succeeded: true)
                    writes.enter()
                    perform(on: codec) {
                        self.write(product, for: file)
                        budget.release(file.bytes)
                        writes.leave()
                    }
                }
            }
            if let next = upcoming {
                budget.reserve(next.bytes)  // waits for the previous outputs to be written
                current = (next, startDecoding(next))
            }
        }
        writes.wait()
        lock.lock()
        summary.seconds = Date().timeIntervalSince(started)
        let final = summary
        observer.completed(final)
        lock.unlock()
        return final
    }

    // MARK: - Stages

    private func prepare(_ input: BatchInput) -> PreparedFile? {
        let start = Date()
        do {
            let header = try inputHeader(input)
            let target: OutputTarget
            switch task.outputKind {
            case .image:
                target = configuration.naming.target(for: input, sourceFormat: header.format,
                                                     hasAlpha: header.hasAlpha && task.keepsAlpha)
            case .bytes(let ext):
                target = configuration.naming.target(for: input, fileExtension: ext)
            }
            if !configuration.overwrite && FileManager.default.fileExists(atPath: target.path) {
                record(BatchFileResult(input: input.path, output: target.path, status: .skipped, message: BatchFileResult.outputExists,
                                       milliseconds: milliseconds(since: start)), fast: true)
                return nil
            }
            if BatchPlan.canonicalOutputPath(target.path) == BatchInputs.canonicalPath(input.path) {
                record(BatchFileResult(input: input.path, output: nil, status: .error,
                                       message: "the output path \(target.path) is the input itself; use another -o or a --suffix"))
                return nil
            }
            if let message = target.note { note(message, input: input.path) }
            let s = task.outputScale
            let channels = header.channels
            // Decoded input, processed output, and about half again for conversions and the
            // encoder's interleaved copy.
            let bytes = header.width * header.height * 4 * (channels + channels * s * s) * 3 / 2
            return PreparedFile(input: input, target: target, bytes: bytes,
                                megapixels: Double(header.width * header.height) / 1e6, start: start)
        } catch {
            record(BatchFileResult(input: input.path, output: nil, status: .error, message: describe(error, input: input.path),
                                   milliseconds: milliseconds(since: start)))
            return nil
        }
    }

    /// What `prepare` needs of an input: its size and channels, and the format its image output
    /// follows (`--format same`); for the task's own files, what their header says.
    private func inputHeader(_ input: BatchInput) throws -> (width: Int, height: Int, channels: Int, hasAlpha: Bool, format: ImageFormat) {
        switch task.inputKind {
        case .image:
            let header = try ImageHeader(contentsOf: input.path, limits: configuration.limits)
            return (header.width, header.height, header.layout.channelCount, header.layout.hasAlpha, header.format)
        case .file(let format):
            let info = try format.inspect(input.path, configuration.limits)
            return (info.width, info.height, info.channels, false, .png)
        }
    }

    /// Decodes an image input, or reads the bytes of an input of the task's own format.
    private func read(_ file: PreparedFile) throws -> BatchSource {
        if case .file = task.inputKind {
            guard let data = FileManager.default.contents(atPath: file.input.path) else {
                throw ImageError.io(path: file.input.path, reason: "cannot read the file")
            }
            return .bytes([UInt8](data))
        }
        return .image(try decode(file))
    }

    private func decode(_ file: PreparedFile) throws -> Image {
        let image = try decodeBuffers.decode(contentsOf: file.input.path, limits: configuration.limits)
        for warning in image.warnings {
            // A truncated file decodes to an image with a gray or missing bottom: not an input to
            // produce an output from.
            if warning.localizedCaseInsensitiveContains("premature end") {
                let format = image.sourceFormat ?? .jpeg
                decodeBuffers.recycle(image)
                throw ImageError.truncated(path: file.input.path, format: format, reason: warning)
            }
            note(warning, input: file.input.path)
        }
        return image
    }

    private func write(_ product: BatchProduct, for file: PreparedFile) {
        do {
            let bytes: [UInt8]
            switch product {
            case .image(let image): bytes = try image.encoded(as: file.target.format ?? .png, options: configuration.write)
            case .bytes(let data): bytes = data
            }
            try TemporaryFiles.write(bytes, toPath: file.target.path)
            record(BatchFileResult(input: file.input.path, output: file.target.path, status: .ok,
                                   milliseconds: milliseconds(since: file.start), megapixels: file.megapixels))
        } catch {
            record(failure(file, error))
        }
    }

    // MARK: - Bookkeeping (under the lock, so the observer sees one call at a time)

    private func record(_ result: BatchFileResult, fast: Bool = false) {
        lock.lock()
        defer { lock.unlock() }
        summary.add(result)
        progress.finished += 1
        if fast { progress.skippedFast += 1 }
        progress.elapsed = Date().timeIntervalSince(started)
        observer.finished(result)
        observer.progressed(progress)
    }

    private func note(_ message: String, input: String?) {
        lock.lock()
        defer { lock.unlock() }
        observer.noted(message, input: input)
    }

    private func beginInference(_ file: PreparedFile) {
        lock.lock()
        defer { lock.unlock() }
        progress.currentFraction = 0
        progress.currentMegapixels = file.megapixels
    }

    private func inferenceProgressed(_ fraction: Double) {
        lock.lock()
        defer { lock.unlock() }
        progress.currentFraction = fraction
        progress.elapsed = Date().timeIntervalSince(started)
        observer.progressed(progress)
    }

    private func endInference(_ file: PreparedFile, succeeded: Bool) {
        lock.lock()
        defer { lock.unlock() }
        progress.currentFraction = 0
        if succeeded { progress.megapixelsDone += file.megapixels }
    }

    private func failure(_ file: PreparedFile, _ error: Error) -> BatchFileResult {
        BatchFileResult(input: file.input.path, output: file.target.path, status: .error,
                        message: describe(error, input: file.input.path), milliseconds: milliseconds(since: file.start))
    }

    /// The reason alone when the error names the input (the report names it already).
    private func describe(_ error: Error, input: String) -> String {
        if let imageError = error as? ImageError { return imageError.path == input ? imageError.reason : imageError.description }
        if let codeError = error as? LatentCodeError { return codeError.path == input ? codeError.reason : codeError.description }
        return "\(error)"
    }

    private func milliseconds(since start: Date) -> Double { Date().timeIntervalSince(start) * 1000 }

    private func perform(on queue: DispatchQueue?, _ work: @escaping () -> Void) {
        if let queue { queue.async(execute: work) } else { work() }
    }
}

/// An input ready for the task: a decoded image, or the bytes of a file of the task's format.
private enum BatchSource {
    case image(Image)
    case bytes([UInt8])
}

/// A file whose header was read and whose output is to be written.
private struct PreparedFile {
    var input: BatchInput
    var target: OutputTarget
    /// Estimated bytes of image buffers while it is in flight.
    var bytes: Int
    var megapixels: Double
    var start: Date
}

/// A value produced on another thread, waited for once.
private final class Pending<Value>: @unchecked Sendable {
    private let ready = DispatchSemaphore(value: 0)
    private var value: Value?

    func fulfil(_ value: Value) {
        self.value = value
        ready.signal()
    }

    /// Waits for the value and hands it over (the holder keeps no copy).
    func take() -> Value {
        ready.wait()
        defer { value = nil }
        return value!
    }
}
