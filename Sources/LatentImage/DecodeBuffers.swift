import Foundation

/// Memory that decoding reuses from one image to the next: the float samples, the decoder's
/// integer rows, and the file's bytes.
///
/// Why: a freshly allocated large buffer costs a page fault per 4 KiB on first touch (the
/// kernel zeroes each page). For a 12 MP RGB photo the 144 MB of Float32 samples take ~35,000
/// faults — more time than libjpeg needs to decode the file. A batch decodes many images of
/// similar size in a row, so handing each decode memory that an earlier image already touched
/// makes decoding to floats cost little more than decoding to bytes (`LatentBenchmarks codecs`).
///
/// Usage: `let image = try buffers.decode(contentsOf: path)`, use the image, then
/// `buffers.recycle(image)` once nothing else holds it. Thread-safe: decodes and recycles may
/// come from different threads (the batch runner decodes on its codec thread). At most
/// `maximumSpares` sample buffers wait for reuse; more recycled images are simply released.
public final class DecodeBuffers: @unchecked Sendable {
    public let maximumSpares: Int
    private let lock = NSLock()
    private var spareSamples: [[Float]] = []
    private var spareScratch: [DecodeScratch] = []
    private var tally = Counts()

    /// How decodes got their sample memory (for tests and benchmarks).
    public struct Counts: Equatable, Sendable {
        /// Decodes that wrote into a recycled buffer.
        public var reused = 0
        /// Decodes that needed a fresh buffer (none spare, or none of a fitting size).
        public var allocated = 0
        /// Decodes whose recycled buffer was still shared with a live image, and so was copied
        /// before being written (see `recycle`).
        public var copied = 0
    }

    public var counts: Counts {
        lock.lock()
        defer { lock.unlock() }
        return tally
    }

    public init(maximumSpares: Int = 2) {
        self.maximumSpares = max(0, maximumSpares)
    }

    /// Decodes PNG or JPEG bytes (format from the magic bytes) into reused memory.
    public func decode(_ bytes: UnsafeRawBufferPointer, limits: ImageLimits = .default) throws -> Image {
        var storage = DecodeStorage(samples: takeSamples(), scratch: takeScratch())
        defer { giveBack(&storage) }
        return try Image.decode(bytes, limits: limits, storage: &storage)
    }

    /// Reads (into a reused byte buffer) and decodes the file at `path`; errors name the path.
    public func decode(contentsOf path: String, limits: ImageLimits = .default) throws -> Image {
        var storage = DecodeStorage(samples: takeSamples(), scratch: takeScratch())
        var file = storage.file
        storage.file = []
        defer {
            storage.file = file
            giveBack(&storage)
        }
        do {
            let count = try FileBytes.read(path, into: &file)
            return try file.withUnsafeBytes { all in
                try Image.decode(UnsafeRawBufferPointer(rebasing: all[..<count]), limits: limits, storage: &storage)
            }
        } catch let error as ImageError {
            throw error.path == nil ? error.withPath(path) : error
        }
    }

    /// Takes back the samples of an image from `decode` (or any image) for a later decode.
    /// Pass the last copy: if another copy of the image is still alive, the next decode into
    /// this buffer copies it first (correct, but it costs what the reuse was meant to save).
    public func recycle(_ image: consuming Image) {
        keep(image.intoSamples())
    }

    private func keep(_ samples: consuming [Float]) {
        guard samples.capacity > 0 else { return }
        lock.lock()
        defer { lock.unlock() }
        if spareSamples.count < maximumSpares { spareSamples.append(samples) }
    }

    /// Sample buffers waiting for reuse.
    public var spareCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return spareSamples.count
    }

    /// The largest spare (the likeliest to fit the next image without a fresh allocation).
    private func takeSamples() -> [Float] {
        lock.lock()
        defer { lock.unlock() }
        guard let index = spareSamples.indices.max(by: { spareSamples[$0].capacity < spareSamples[$1].capacity }) else { return [] }
        return spareSamples.remove(at: index)
    }

    private func takeScratch() -> DecodeScratch {
        lock.lock()
        defer { lock.unlock() }
        return spareScratch.popLast() ?? DecodeScratch()
    }

    /// Returns what a decode did not hand out: its scratch, and its samples when it failed.
    private func giveBack(_ storage: inout DecodeStorage) {
        lock.lock()
        switch storage.source {
        case .reused: tally.reused += 1
        case .allocated: tally.allocated += 1
        case .copied: tally.copied += 1
        case nil: break
        }
        lock.unlock()
        keep(storage.takeSamples())
        let scratch = DecodeScratch(rows: storage.scratch, file: storage.file)
        storage.scratch = []
        storage.file = []
        lock.lock()
        defer { lock.unlock() }
        if spareScratch.count < max(1, maximumSpares) { spareScratch.append(scratch) }
    }
}

/// The decoder's integer rows and the encoded file, kept together between decodes.
struct DecodeScratch {
    var rows: [UInt8] = []
    var file: [UInt8] = []
}

/// The memory one decode writes into. A default-constructed storage allocates fresh buffers
/// (what a one-off decode does); `DecodeBuffers` fills it with reused ones.
struct DecodeStorage {
    var samples: [Float]
    var scratch: [UInt8]
    var file: [UInt8]
    /// Where the last decode's samples came from.
    var source: SampleSource?

    enum SampleSource { case reused, allocated, copied }

    init(samples: [Float] = [], scratch: DecodeScratch = DecodeScratch()) {
        self.samples = samples
        self.scratch = scratch.rows
        self.file = scratch.file
    }

    /// Makes `samples` hold exactly `count` floats, reusing its memory when it is large enough
    /// and not more than four times too large (a huge buffer is not kept for small images).
    /// The contents are unspecified: the decoder overwrites every sample.
    mutating func prepareSamples(count: Int) {
        if count <= samples.capacity && count >= samples.capacity / 4 && count > 0 {
            source = .reused
            if samples.count > count {
                samples.removeLast(samples.count - count)  // keeps the capacity
            } else if samples.count < count {
                samples.append(contentsOf: repeatElement(0, count: count - samples.count))
            }
        } else {
            source = .allocated
            samples = []
            samples = [Float](largeBufferCount: count) { _ in }  // the decoder initialises every sample
        }
    }

    /// Makes `scratch` at least `byteCount` bytes long (it never shrinks: strips are small).
    mutating func prepareScratch(byteCount: Int) {
        if scratch.count < byteCount {
            scratch = []
            scratch = [UInt8](largeBufferCount: byteCount) { _ in }  // written before it is read
        }
    }

    /// The samples, leaving this storage without them (so the image owns the only reference).
    mutating func takeSamples() -> [Float] {
        let taken = samples
        samples = []
        return taken
    }
}

extension Image {
    /// Decodes into `storage` (see `DecodeBuffers`).
    static func decode(_ bytes: UnsafeRawBufferPointer, limits: ImageLimits, storage: inout DecodeStorage) throws -> Image {
        switch ImageFormat.sniff(bytes) {
        case .png: return try PNGCodec.Reader.decodeImage(bytes, limits: limits, storage: &storage)
        case .jpeg: return try JPEGCodec.Reader.decodeImage(bytes, limits: limits, storage: &storage)
        case nil: throw ImageError.unsupportedFormat(path: nil)
        }
    }

    /// The samples, ending the image (so that, if it was the last copy, they are not shared).
    consuming func intoSamples() -> [Float] { samples }
}
