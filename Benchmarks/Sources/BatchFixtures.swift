import Foundation
import LatentModels
import LatentTasks

/// `LatentBenchmarks batch-fixtures`: what the batch memory and speed measurement needs and no
/// trained model provides yet — random-weight denoisers of the default widths (speed and memory
/// do not depend on the weights) and a synthetic 6000×4000 photo. Written to $LATENT_BENCH_OUT
/// (default /tmp/latent-bench): models/denoise-color.safetensors, models/denoise-gray.safetensors,
/// photo-24mp.jpg. See Benchmarks/batch-rss.sh.
func writeBatchFixtures() throws {
    let out = ProcessInfo.processInfo.environment["LATENT_BENCH_OUT"] ?? "/tmp/latent-bench"
    try FileManager.default.createDirectory(atPath: out + "/models", withIntermediateDirectories: true)
    for (name, channels) in [("denoise-color", 3), ("denoise-gray", 1)] {
        let architecture = DenoiserArchitecture(channels: channels)
        let network = DenoiseUNet(architecture, seed: 1)
        try ModelFile.save(network, architecture: architecture, trainingJSON: #"{"note":"random weights for measurement"}"#,
                           to: "\(out)/models/\(name).safetensors")
    }
    // A photo-like image: smooth colour fields, edges and grain, so JPEG sizes are realistic.
    let (w, h) = (6000, 4000)
    var samples = [Float](repeating: 0, count: 3 * w * h)
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    samples.withUnsafeMutableBufferPointer { s in
        for y in 0..<h {
            for x in 0..<w {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                let grain = Float(Int(state >> 40) & 0xFF) / 255 * 0.08 - 0.04
                let fx = Float(x) / Float(w), fy = Float(y) / Float(h)
                let edge: Float = ((x / 500) + (y / 400)) % 2 == 0 ? 0.15 : 0
                s[y * w + x] = min(max(0.2 + 0.6 * fx + edge + grain, 0), 1)
                s[w * h + y * w + x] = min(max(0.3 + 0.5 * fy + grain, 0), 1)
                s[2 * w * h + y * w + x] = min(max(0.5 + 0.3 * sin(fx * 20) * cos(fy * 13) + grain, 0), 1)
            }
        }
    }
    try Image(width: w, height: h, layout: .rgb, samples: samples).write(to: out + "/photo-24mp.jpg")
    print("wrote \(out)/models/denoise-{color,gray}.safetensors and \(out)/photo-24mp.jpg")
}
