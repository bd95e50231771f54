import Foundation
import LatentImage
import LatentTasks
import LatentTensor

/// `LatentBenchmarks upscale-tiles MODEL [--tiles 128,256,…] [--threads T] [--runs N]`: the
/// whole ×s task on a 1024² photo at several core tile sides, to choose the default tile
/// budget by measurement (small tiles keep a layer's input and output in cache; large tiles
/// compute less mirrored context). Also the network alone on the whole image.
func runUpscaleTileSweep(_ arguments: BenchmarkArguments) throws {
    guard let name = arguments.positional.first else {
        throw BenchmarkUsage("upscale-tiles needs a model: LatentBenchmarks upscale-tiles MODEL [--tiles A,B,…] [--threads T]")
    }
    Engine.setThreads(try arguments.integer("threads") ?? 2)
    let runs = try arguments.integer("runs") ?? 5
    let upscaler = try Upscaler(modelPath: ModelLocator.resolve(name))
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let photo = try Image(contentsOf: root.appendingPathComponent("Assets/astronaut.png").path).resized(width: 1024, height: 1024).rgb()
    let inputMP = Double(photo.pixelCount) / 1e6, s = Double(upscaler.scale * upscaler.scale)
    let tiles = try (arguments.options["tiles"] ?? "0,96,128,192,256,384,512").split(separator: ",").map { text in
        guard let tile = Int(text) else { throw BenchmarkUsage("--tiles takes integers (0: the default budget)") }
        return tile
    }
    print("upscale-tiles: \(name) on 1024² RGB, \(Engine.threads) threads, median of \(runs), load \(String(format: "%.2f", oneMinuteLoadAverage()))")
    for tile in tiles {
        let task = UpscaleBatch.task(upscaler, tileSize: tile == 0 ? nil : tile, activationBudget: defaultActivationBudget)
        _ = try task.process(photo) { _ in }
        let (wall, cpu) = BenchmarkTimer.medianWallAndCPU(runs: runs) { _ = try? task.process(photo) { _ in } }
        let label = tile == 0 ? "default (\(task.tiler(for: upscaler).tileSize))" : "\(tile)"
        print(String(format: "  tile %@: %.0f ms, %.2f output MP/s, CPU %.2f s per input MP", label, wall,
                     inputMP * s * 1000 / wall, cpu / 1000 / inputMP))
    }
    let luma = Tensor(photo.grayscale().samples, shape: [1, 1, photo.height, photo.width])
    let (network, networkCPU) = BenchmarkTimer.medianWallAndCPU(runs: runs) { _ = Autograd.withoutGrad { upscaler.network(luma).plain() } }
    print(String(format: "  network alone, whole image: %.0f ms, CPU %.0f ms", network, networkCPU))
}
