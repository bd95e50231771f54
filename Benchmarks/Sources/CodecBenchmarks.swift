import CLatentShim
import Foundation
import LatentTasks

/// Decode throughput for a 12 MP photo (chelsea.png upscaled with bicubic, then encoded): the
/// codec library's decode to interleaved bytes (`decodeInterleaved`, 3 bytes per pixel), beside
/// the decode to the planar Float32 `Image` (`Image.decode`, 12 bytes per pixel). Both allocate
/// a fresh output per call exactly as real use does (36 MB and 144 MB, both through the same
/// large-buffer allocation), so the float overhead includes writing and first-touching 4× the
/// memory. The float path converts each strip of rows in C while it is in cache; no byte buffer
/// of the whole image is made.
///
/// Each case is measured on 4 KiB pages (the default for image buffers) and with the huge-page
/// advice turned on for them (LATENT_HUGE_PAGES=all), runs of all variants alternating so that
/// all see the same load on a shared machine; medians of `runs` timings after one warm-up. Last,
/// one lone decode after idling, the case where huge pages lose on a VM with free page reporting.
func runCodecBenchmarks(runs: Int = 9) throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    let source = try Image(contentsOf: root.appendingPathComponent("Assets/chelsea.png").path)
    let photo = source.resized(width: 4240, height: 2830)  // 12.0 MP
    let megapixels = Double(photo.pixelCount) / 1e6
    let files: [(String, [UInt8])] = [
        ("JPEG q92 4:2:0", try JPEGCodec.encode(photo)),
        ("PNG 8-bit RGB", try PNGCodec.encode(photo, bitDepth: 8)),
    ]
    let hugePagesSetting = (try? String(contentsOfFile: "/sys/kernel/mm/transparent_hugepage/enabled",
                                        encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "n/a"
    print(String(format: "codecs: %.1f MP photo, median of %d alternating runs after warm-up; THP enabled: %@",
                 megapixels, runs, hugePagesSetting))
    let defaultUses = latent_huge_page_uses()
    defer { latent_set_huge_page_uses(defaultUses) }
    func pages(_ huge: Bool, _ body: @escaping () throws -> Void) -> () throws -> Void {
        { setImageHugePages(huge); try body() }
    }

    // Floor for any decode-to-float: allocating and first-touching the 3 × 12 MP Float32 planes
    // (page faults and the kernel zeroing fresh pages), alone.
    let count = 3 * photo.pixelCount
    let touch = {
        let planes = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            latent_advise_huge_pages(buffer.baseAddress, count * 4, Int32(LATENT_HUGE_PAGES_IMAGES))  // as decoding does
            for i in stride(from: 0, to: count, by: 1024) { buffer[i] = 0 }
            initialized = count
        }
        precondition(planes.count == count)
    }
    let touchTimes = try alternatingMedians(runs, [pages(true, touch), pages(false, touch)])
    print(String(format: "  allocate + touch 144 MB Float32 buffer: %.1f ms on huge pages, %.1f ms on 4 KiB pages",
                 touchTimes[0] * 1000, touchTimes[1] * 1000))

    for (name, bytes) in files {
        let toBytes = {
            try bytes.withUnsafeBytes { raw in
                _ = ImageFormat.sniff(raw) == .png ? try PNGCodec.decodeInterleaved(raw) : try JPEGCodec.decodeInterleaved(raw)
            }
        }
        let toFloat = { _ = try Image.decode(bytes) }
        let t = try alternatingMedians(runs, [pages(true, toBytes), pages(true, toFloat),
                                              pages(false, toBytes), pages(false, toFloat)])
        print(String(format: "  %@ (%.1f MB):", name, Double(bytes.count) / 1e6))
        for (label, b, f) in [("huge pages (opt-in)", t[0], t[1]), ("4 KiB pages (default)", t[2], t[3])] {
            print(String(format: "    %@: bytes %6.1f MP/s (%6.1f ms)  float %6.1f MP/s (%6.1f ms)  float overhead %+6.1f%%",
                         label as NSString, megapixels / b, b * 1000, megapixels / f, f * 1000, (f / b - 1) * 100))
        }
    }
    let idle = try idleDecodeTimes(files[0].1)
    print(String(format: "  %@ to float, one decode after 3 s idle (median of 3): %.1f ms on huge pages, %.1f ms on 4 KiB pages",
                 files[0].0, idle.huge * 1000, idle.small * 1000))
    print("  (Image buffers stay on 4 KiB pages by default: huge pages pay off only when buffers are recycled within a")
    print("   second or so; after idling, a VM with free page reporting has handed the free 2 MiB blocks to the host and")
    print("   faulting them back costs more. LATENT_HUGE_PAGES=all opts in. The float output is 4× the bytes; writing and")
    print("   first-touching 144 MB, not the conversion, is what the float overhead measures.)")
}

/// A lone decode after the process sat idle: on a VM that reports free 2 MiB blocks to the
/// hypervisor, the huge pages a buffer gets then may have to be faulted in again by the host.
func idleDecodeTimes(_ bytes: [UInt8], rounds: Int = 3, idle: Double = 3) throws -> (huge: Double, small: Double) {
    var huge: [Double] = [], small: [Double] = []
    for _ in 0..<rounds {
        for useHuge in [true, false] {
            Thread.sleep(forTimeInterval: idle)
            setImageHugePages(useHuge)
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try Image.decode(bytes)
            let time = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            if useHuge { huge.append(time) } else { small.append(time) }
        }
    }
    setImageHugePages(false)
    return (huge.sorted()[rounds / 2], small.sorted()[rounds / 2])
}

func setImageHugePages(_ on: Bool) {
    let uses = latent_huge_page_uses()
    let image = Int32(LATENT_HUGE_PAGES_IMAGES)
    latent_set_huge_page_uses(on ? uses | image : uses & ~image)
}

/// Medians in seconds of each body, the bodies run in turn `runs` times after one warm-up round.
func alternatingMedians(_ runs: Int, _ bodies: [() throws -> Void]) throws -> [Double] {
    for body in bodies { try body() }
    var times = [[Double]](repeating: [], count: bodies.count)
    for _ in 0..<runs {
        for (i, body) in bodies.enumerated() {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            times[i].append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
    }
    return times.map { $0.sorted()[runs / 2] }
}
