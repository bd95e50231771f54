import Foundation
import LatentTasks

/// Decode throughput for a 12 MP photo (chelsea.png upscaled with bicubic, then encoded):
/// the codec library's decode to interleaved bytes, beside the same decode followed by the
/// conversion to planar Float32 that `Image` holds. Medians of `runs` timings after one warm-up.
func runCodecBenchmarks(runs: Int = 7) throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    let source = try Image(contentsOf: root.appendingPathComponent("Assets/chelsea.png").path)
    let photo = source.resized(width: 4240, height: 2830)  // 12.0 MP
    let megapixels = Double(photo.pixelCount) / 1e6
    let files: [(String, [UInt8])] = [
        ("JPEG q92 4:2:0", try JPEGCodec.encode(photo)),
        ("PNG 8-bit RGB", try PNGCodec.encode(photo, bitDepth: 8)),
    ]
    print(String(format: "codecs: %.1f MP photo, median of %d runs after warm-up", megapixels, runs))
    // Floor for any decode-to-float: allocating and first-touching the 3 × 12 MP Float32 planes
    // (page faults on fresh memory), measured alone.
    let touch = median(runs) {
        let count = 3 * photo.pixelCount
        let planes = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            for i in stride(from: 0, to: count, by: 1024) { buffer[i] = 0 }
            initialized = count
        }
        precondition(planes.count == count)
    }
    print(String(format: "  allocate + touch 3-plane Float32 buffer: %.1f ms", touch * 1000))
    for (name, bytes) in files {
        let toBytes = try median(runs) {
            try bytes.withUnsafeBytes { raw in
                _ = ImageFormat.sniff(raw) == .png ? try PNGCodec.decodeInterleaved(raw) : try JPEGCodec.decodeInterleaved(raw)
            }
        }
        let toFloat = try median(runs) { _ = try Image.decode(bytes) }
        print(String(format: "  %@ (%.1f MB): bytes %.1f MP/s (%.1f ms), float %.1f MP/s (%.1f ms), float overhead %+.1f%%",
                     name, Double(bytes.count) / 1e6, megapixels / toBytes, toBytes * 1000,
                     megapixels / toFloat, toFloat * 1000, (toFloat / toBytes - 1) * 100))
    }
}

/// Median wall time in seconds of `runs` calls after one warm-up call.
func median(_ runs: Int, _ body: () throws -> Void) rethrows -> Double {
    try body()
    var times: [Double] = []
    for _ in 0..<runs {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    return times.sorted()[runs / 2]
}
