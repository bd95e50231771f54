import Foundation
import LatentImage
import LatentTensor

/// `latent generate`: images drawn from the prior, as one grid or as separate files.
public enum GenerativeSampling {
    public enum Output: Equatable {
        /// One PNG holding a rows × columns grid with a thin white gutter.
        case grid(path: String, rows: Int, columns: Int)
        /// `count` PNGs at native size in a folder: sample-0000.png, sample-0001.png, …
        case files(folder: String, count: Int)
    }

    /// What `-o PATH [--count N] [--grid RxC]` asks for: a path ending in .png is one grid
    /// (R×C, or the squarest grid for N, 64 by default); any other path is a folder of N files.
    public static func output(path: String, count: Int?, grid: String?) throws -> Output {
        if let count, count < 1 { throw TaskError.invalidOption("--count must be at least 1") }
        let isFile = path.lowercased().hasSuffix(".png")
        if let grid {
            let parts = grid.lowercased().split(separator: "x").map { Int($0) }
            guard parts.count == 2, let rows = parts[0], let columns = parts[1], rows > 0, columns > 0 else {
                throw TaskError.invalidOption("--grid must be RxC, e.g. 8x8")
            }
            guard isFile else { throw TaskError.invalidOption("--grid writes one PNG: give -o a .png path") }
            if let count, count != rows * columns { throw TaskError.invalidOption("--count \(count) does not fill a \(grid) grid") }
            return .grid(path: path, rows: rows, columns: columns)
        }
        let n = count ?? 64
        if isFile {
            let (rows, columns) = ImageGrid.shape(for: n)
            return .grid(path: path, rows: rows, columns: columns)
        }
        return .files(folder: path, count: n)
    }

    /// The decoded samples. Codes come from `GenerativeModel.sampleCodes`, so the same seed
    /// and temperature give the same images (and PNG bytes) on every run and thread count.
    public static func draw(_ model: GenerativeModel, count: Int, seed: UInt64, temperature: Float) -> [Image] {
        ImageGrid.images(model.decode(model.sampleCodes(count: count, seed: seed, temperature: temperature)))
    }

    /// Draws and writes; returns the paths written.
    @discardableResult
    public static func run(_ model: GenerativeModel, output: Output, seed: UInt64, temperature: Float) throws -> [String] {
        switch output {
        case .grid(let path, let rows, let columns):
            let images = draw(model, count: rows * columns, seed: seed, temperature: temperature)
            try ImageGrid.tile(images, rows: rows, columns: columns).write(to: path, format: .png)
            return [path]
        case .files(let folder, let count):
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let images = draw(model, count: count, seed: seed, temperature: temperature)
            return try images.enumerated().map { k, image in
                let path = (folder as NSString).appendingPathComponent(String(format: "sample-%04d.png", k))
                try image.write(to: path, format: .png)
                return path
            }
        }
    }
}
