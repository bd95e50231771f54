import XCTest
import LatentNN
import LatentTensor
@testable import LatentTasks

final class EntropyTablesTests: XCTestCase {
    func testQuantizedCDFKeepsEverySymbolAndTheProportions() {
        let cdf = EntropyTables.quantizedCDF([0.5, 0.25, 0.25 - 1e-9, 0, .nan, 1e-9])
        XCTAssertEqual(cdf.first, 0)
        XCTAssertEqual(cdf.last, 65536)
        let frequencies = zip(cdf.dropFirst(), cdf).map { $0 - $1 }
        XCTAssertTrue(frequencies.allSatisfy { $0 >= 1 })
        XCTAssertEqual(Double(frequencies[0]) / 65536, 0.5, accuracy: 1e-3)
        XCTAssertEqual(Double(frequencies[1]) / 65536, 0.25, accuracy: 1e-3)
        XCTAssertEqual(EntropyTables.quantizedCDF([0, 0, 0]), [0, 21846, 43691, 65536], "all-zero input: uniform")
    }

    private func density(seed: UInt64, channels: Int = 5) -> FactorizedDensity {
        var rng = RandomSource(seed: seed)
        let d = FactorizedDensity(channels: channels, using: &rng)
        // Shift and sharpen the channels differently, as training would.
        for (k, layer) in d.layers.enumerated() {
            layer.bias.withUnsafeMutableBufferPointer { b in for i in b.indices { b[i] += rng.uniform(-2, 2) } }
            if k == 0 { layer.matrix.withUnsafeMutableBufferPointer { m in for i in m.indices { m[i] += rng.uniform(0, 2) } } }
        }
        return d
    }

    func testTablesAreDeterministicAndValid() throws {
        let a = try EntropyTables(density: density(seed: 1))
        let b = try EntropyTables(density: density(seed: 1))
        XCTAssertEqual(try a.storedTensors(), try b.storedTensors(), "same weights, same table bytes")
        XCTAssertNotEqual(try a.storedTensors(), try EntropyTables(density: density(seed: 2)).storedTensors())
        XCTAssertEqual(a.channels, 5)
        for (c, cdf) in a.cdfs.enumerated() {
            XCTAssertGreaterThan(cdf.count, 3, "channel \(c) covers several integers")
            XCTAssertLessThanOrEqual(Int(-a.offsets[c]), EntropyTables.maximumHalfWidth)
        }
        // Stored and read back: the same tables.
        XCTAssertEqual(try EntropyTables(storedTensors: try a.storedTensors(), source: "t"), a)
    }

    /// The tables' probabilities follow the density: the mass of the median's integer matches.
    func testTablesFollowTheDensity() throws {
        let d = density(seed: 3, channels: 2)
        let tables = try EntropyTables(density: d)
        for c in 0..<2 {
            var y = [Float](repeating: 0, count: 2)
            y[c] = tables.medians[c]
            let p = Autograd.withoutGrad { d.likelihood(Tensor(y, shape: [1, 2, 1, 1])) }.toArray()[c]
            let index = Int(-tables.offsets[c])
            let f = Double(tables.cdfs[c][index + 1] - tables.cdfs[c][index]) / 65536
            XCTAssertEqual(f, Double(p), accuracy: 0.002, "channel \(c)")
        }
    }

    func testLatentsRoundTripIncludingEscapesAndNaN() throws {
        let tables = try EntropyTables(density: density(seed: 4, channels: 3))
        var rng = RandomSource(seed: 5)
        let (h, w) = (7, 9)
        var y = (0..<(3 * h * w)).map { _ in rng.uniform(-6, 6) }
        y[3] = 1e6          // far outside every table: escaped
        y[10] = -5e4
        y[20] = .nan        // codes as the median
        y[30] = .infinity   // clamps to the escape limit
        y[31] = 3e9
        let stream = y.withUnsafeBufferPointer { tables.encode($0, height: h, width: w) }
        let decoded = try tables.decode(stream, height: h, width: w)
        for i in y.indices {
            let c = i / (h * w)
            let q = EntropyTables.quantize(y[i] - tables.medians[c])
            XCTAssertEqual(decoded[i], Float(q) + tables.medians[c], "element \(i)")
        }
        XCTAssertEqual(decoded[20], tables.medians[0])
        let ideal = y.withUnsafeBufferPointer { tables.bits($0, height: h, width: w) }
        XCTAssertEqual(Double(stream.count * 8), ideal, accuracy: 48, "the coder adds only a few bytes")
        // A stream with a byte too many, or one too few, is refused.
        XCTAssertThrowsError(try tables.decode(stream + [0], height: h, width: w))
        XCTAssertThrowsError(try tables.decode(Array(stream.dropLast()), height: h, width: w))
    }

    func testMalformedStoredTablesAreRefused() throws {
        let tables = try EntropyTables(density: density(seed: 6, channels: 2))
        var stored = try tables.storedTensors()
        stored["entropy_tables.cdf_length"] = try StoredTensor(dtype: .i32, shape: [2], bytes: [5, 0, 0, 0, 5, 0, 0, 0])
        XCTAssertThrowsError(try EntropyTables(storedTensors: stored, source: "m.safetensors")) {
            XCTAssertTrue("\($0)".contains("m.safetensors"), "\($0)")
        }
        stored = try tables.storedTensors()
        stored.removeValue(forKey: "entropy_tables.cdf")
        XCTAssertThrowsError(try EntropyTables(storedTensors: stored, source: "m.safetensors")) {
            XCTAssertTrue("\($0)".contains("not a frozen codec"), "\($0)")
        }
        XCTAssertThrowsError(try EntropyTables(medians: [0], offsets: [0], cdfs: [[0, 100, 50, 65536]]))
    }
}
