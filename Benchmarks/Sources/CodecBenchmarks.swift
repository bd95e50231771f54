import CLatentShim
import Foundation
import LatentTasks

/// Codec throughput on 12 MP photos (4240×2830 mosaics of the Assets/ photos at their own
/// resolution, plus a little sensor grain, so that they hold as much detail per pixel as real
/// photos: about 3 MB as JPEG q92), measured the way a batch decodes: many files in a row.
///
/// Decoding, per format, four ways, in alternating rounds so that all see the same load:
/// - bytes, warm: libjpeg/libpng into one reused byte buffer (the decoder's own cost: the yardstick);
/// - bytes, fresh: `decodeInterleaved`, a new 36 MB buffer per file (what a library call costs);
/// - float, steady state: `DecodeBuffers` (the batch runner's path), 144 MB of Float32 per file
///   written into memory an earlier file already touched;
/// - float, fresh: `Image.decode`, a new 144 MB buffer per file (one-off decodes).
/// The float overhead is steady-state float over warm bytes (target ≤ 1.25×). Freshly allocated
/// buffers pay a page fault per 4 KiB on first touch; the allocator is set as the batch runner
/// sets it (large blocks unmapped on free: `latent_set_mmap_threshold(1 MiB)`), so every fresh
/// buffer is new memory. Encoding (JPEG q92 4:2:0, PNG level 6, 8-bit) is timed on one photo, median of 3.
///
/// Times are medians of per-file wall and process CPU time (CPU time counts the kernel's page
/// faults and is steadier on a shared machine; the codecs are single-threaded).
func runCodecBenchmarks(json: Bool, formats: [ImageFormat] = [.jpeg, .png], runs: Int = 5) throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    _ = latent_set_mmap_threshold(1 << 20)
    let assets = try ["astronaut.png", "camera.png", "chelsea.png", "coffee.png", "hubble_deep_field.jpg", "rocket.jpg"].map {
        try Image(contentsOf: root.appendingPathComponent("Assets/" + $0).path).rgb()
    }
    let photos = (0..<3).map { withSensorNoise(mosaic(of: assets, width: 4240, height: 2830, startingAt: 2 * $0), seed: UInt64($0 + 1)) }
    let megapixels = Double(photos[0].pixelCount) / 1e6
    print(String(format: "codecs: %.1f MP photos ×%d in a row, median per file of %d rounds after a warm-up round, load %.2f",
                 megapixels, photos.count, runs, oneMinuteLoadAverage()))

    for format in formats {
        let files = try photos.map { try format == .jpeg ? JPEGCodec.encode($0) : PNGCodec.encode($0, bitDepth: 8) }
        let warmBytes = InterleavedDecoder()
        let buffers = DecodeBuffers()
        let variants: [(String, ([UInt8]) throws -> Void)] = [
            ("bytes, warm buffer", { bytes in try warmBytes.decode(bytes) }),
            ("bytes, fresh buffer", { bytes in
                _ = try bytes.withUnsafeBytes { format == .jpeg ? try JPEGCodec.decodeInterleaved($0) : try PNGCodec.decodeInterleaved($0) }
            }),
            ("float, steady state", { bytes in
                let image = try bytes.withUnsafeBytes { try buffers.decode($0) }
                buffers.recycle(consume image)
            }),
            ("float, fresh buffer", { bytes in _ = try Image.decode(bytes) }),
        ]
        let times = try alternatingMedians(runs, files: files, variants.map(\.1))
        let fileMB = Double(files.map(\.count).reduce(0, +)) / Double(files.count) / 1e6
        print(String(format: "  %@ decode (%.1f MB per file):", format.description, fileMB))
        for (i, (name, _)) in variants.enumerated() {
            print(String(format: "    %-20@ %6.1f MP/s  %6.1f ms  (CPU %6.1f ms)", name as NSString,
                         megapixels / times[i].wall * 1000, times[i].wall, times[i].cpu))
        }
        let overhead = times[2].cpu / times[0].cpu, overheadWall = times[2].wall / times[0].wall
        print(String(format: "    float overhead, steady state over warm bytes: %+.0f%% CPU, %+.0f%% wall (target ≤ +25%%); " +
                     "fresh float over fresh bytes: %+.0f%% CPU", (overhead - 1) * 100, (overheadWall - 1) * 100,
                     (times[3].cpu / times[1].cpu - 1) * 100))
        if buffers.counts.copied > 0 { print("    (warning: \(buffers.counts.copied) decodes copied a still-shared buffer)") }

        let encode = BenchmarkTimer.medianWallAndCPU(runs: 3, warmUp: 1) {
            _ = try? format == .jpeg ? JPEGCodec.encode(photos[0]) : PNGCodec.encode(photos[0], bitDepth: 8)
        }
        print(String(format: "  %@ encode: %6.1f MP/s  %6.1f ms  (CPU %6.1f ms)", format.description,
                     megapixels / encode.wall * 1000, encode.wall, encode.cpu))
        if json {
            func rate(_ ms: Double) -> JSONLine.Value { .number((megapixels / ms * 1e5).rounded() / 100) }
            print(JSONLine.encode([
                "suite": .string("codecs"), "format": .string(format.description), "megapixels": .number(megapixels),
                "decode_bytes_mp_per_s": rate(times[0].wall), "decode_bytes_fresh_mp_per_s": rate(times[1].wall),
                "decode_float_mp_per_s": rate(times[2].wall), "decode_float_fresh_mp_per_s": rate(times[3].wall),
                "decode_bytes_cpu_ms": .number(times[0].cpu.rounded()), "decode_float_cpu_ms": .number(times[2].cpu.rounded()),
                "float_overhead_cpu": .number((overhead * 1000).rounded() / 1000),
                "float_overhead_wall": .number((overheadWall * 1000).rounded() / 1000),
                "encode_mp_per_s": rate(encode.wall), "encode_cpu_ms": .number(encode.cpu.rounded()),
                "load_average_1min": .number((oneMinuteLoadAverage() * 100).rounded() / 100),
            ]))
        }
    }
}

/// A `width`×`height` RGB image tiled row by row with `sources` at their own size, taken in turn
/// from index `startingAt`, every second round mirrored left to right.
func mosaic(of sources: [Image], width: Int, height: Int, startingAt start: Int) -> Image {
    var samples = [Float](repeating: 0, count: 3 * width * height)
    var (y, k) = (0, start)
    while y < height {
        var (x, rowHeight) = (0, 0)
        while x < width {
            let source = sources[k % sources.count], mirrored = (k / sources.count) % 2 == 1
            let (w, h) = (min(source.width, width - x), min(source.height, height - y))
            source.withUnsafeBufferPointer { src in
                for c in 0..<3 {
                    for row in 0..<h {
                        for column in 0..<w {
                            let sx = mirrored ? source.width - 1 - column : column
                            samples[(c * height + y + row) * width + x + column] = src[(c * source.height + row) * source.width + sx]
                        }
                    }
                }
            }
            x += source.width
            rowHeight = max(rowHeight, source.height)
            k += 1
        }
        y += rowHeight
    }
    return Image(width: width, height: height, layout: .rgb, samples: samples)
}

/// `image` plus uniform noise of ±2.5 levels (of 255) per sample, clamped.
func withSensorNoise(_ image: Image, seed: UInt64) -> Image {
    var state = seed &* 0x9E37_79B9_7F4A_7C15
    var noisy = image
    noisy.withUnsafeMutableBufferPointer { samples in
        for i in samples.indices {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let grain = (Float(state >> 40) / Float(1 << 24) - 0.5) * 5 / 255
            samples[i] = min(max(samples[i] + grain, 0), 1)
        }
    }
    return noisy
}

/// libjpeg/libpng decoding to interleaved bytes in one reused buffer, through the C readers
/// directly: the decoder's own cost, without any allocation.
final class InterleavedDecoder {
    private var pixels: [UInt8] = []

    func decode(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBufferPointer { input in
            if ImageFormat.sniff(bytes) == .jpeg {
                let reader = latent_jpeg_reader_create(input.baseAddress, input.count)!
                defer { latent_jpeg_reader_destroy(reader) }
                var header = latent_jpeg_header()
                try check(latent_jpeg_reader_read_header(reader, &header), "JPEG header")
                let count = Int(header.width) * Int(header.height) * Int(header.out_channels)
                reserve(count)
                try check(pixels.withUnsafeMutableBufferPointer { latent_jpeg_reader_decode(reader, $0.baseAddress, count) }, "JPEG decode")
            } else {
                let reader = latent_png_reader_create(input.baseAddress, input.count)!
                defer { latent_png_reader_destroy(reader) }
                var header = latent_png_header()
                try check(latent_png_reader_read_header(reader, &header), "PNG header")
                let count = Int(header.width) * Int(header.height) * Int(header.out_channels) * Int(header.out_bit_depth) / 8
                reserve(count)
                try check(pixels.withUnsafeMutableBytes { latent_png_reader_decode(reader, $0.baseAddress, count) }, "PNG decode")
            }
        }
    }

    private func reserve(_ count: Int) {
        if pixels.count > count { pixels.removeLast(pixels.count - count) }
        if pixels.count < count { pixels.append(contentsOf: repeatElement(0, count: count - pixels.count)) }
    }

    private func check(_ code: Int32, _ what: String) throws {
        if code != LATENT_OK { throw ImageError.corrupt(path: nil, format: .jpeg, reason: "\(what) failed with code \(code)") }
    }
}

/// Median wall and CPU milliseconds per file of each variant: every round decodes all `files`
/// with each variant in turn, after one warm-up round.
func alternatingMedians(_ runs: Int, files: [[UInt8]], _ variants: [([UInt8]) throws -> Void]) throws -> [(wall: Double, cpu: Double)] {
    var walls = [[Double]](repeating: [], count: variants.count), cpus = walls
    for round in 0...runs {
        for (i, variant) in variants.enumerated() {
            for file in files {
                let cpu0 = BenchmarkTimer.processCPUMilliseconds()
                let start = DispatchTime.now().uptimeNanoseconds
                try variant(file)
                if round > 0 {
                    walls[i].append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
                    cpus[i].append(BenchmarkTimer.processCPUMilliseconds() - cpu0)
                }
            }
        }
    }
    return zip(walls, cpus).map { ($0.sorted()[$0.count / 2], $1.sorted()[$1.count / 2]) }
}
