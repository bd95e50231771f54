import XCTest
import LatentTensor
@testable import LatentTasks

final class RangeCoderTests: XCTestCase {
    /// A random table of `count` symbols: cumulative frequencies 0 … 2^16, every size ≥ 1,
    /// skewed so that some symbols are far more likely than others.
    private func randomTable(_ count: Int, using rng: inout RandomSource) -> [UInt32] {
        let weights = (0..<count).map { _ in Double(pow(rng.uniform(), 6)) + 1e-7 }
        return EntropyTables.quantizedCDF(weights)
    }

    private func draw(_ cdf: [UInt32], using rng: inout RandomSource) -> Int {
        let u = UInt32(rng.index(below: 1 << 16))
        return (0..<(cdf.count - 1)).first { cdf[$0 + 1] > u }!
    }

    func testRandomSymbolStreamsRoundTripExactly() throws {
        var rng = RandomSource(seed: 11)
        for trial in 0..<40 {
            let tables = (0..<3).map { _ in randomTable(1 + rng.index(below: 300), using: &rng) }
            let count = rng.index(below: 5000)
            var symbols: [(table: Int, symbol: Int)] = []
            var bits: [(value: UInt32, count: Int)] = []
            var encoder = RangeEncoder()
            for k in 0..<count {
                let t = rng.index(below: tables.count)
                let s = draw(tables[t], using: &rng)
                symbols.append((t, s))
                encoder.encode(start: tables[t][s], size: tables[t][s + 1] - tables[t][s], totalBits: 16)
                if k % 17 == 0 {  // equally likely bits mixed in, as escapes are
                    let n = rng.index(below: 33)
                    let v = UInt32(truncatingIfNeeded: rng.next()) & (n == 32 ? .max : (1 << UInt32(n)) - 1)
                    bits.append((v, n))
                    encoder.encodeBits(v, count: n)
                }
            }
            let stream = encoder.finish()
            var decoder = try RangeDecoder(stream)
            var b = 0
            for (k, (t, s)) in symbols.enumerated() {
                let cdf = tables[t]
                let target = try decoder.peek(totalBits: 16)
                let found = (0..<(cdf.count - 1)).first { cdf[$0 + 1] > target }!
                XCTAssertEqual(found, s, "trial \(trial), symbol \(k)")
                try decoder.consume(start: cdf[found], size: cdf[found + 1] - cdf[found], totalBits: 16)
                if k % 17 == 0 {
                    XCTAssertEqual(try decoder.decodeBits(count: bits[b].count), bits[b].value, "trial \(trial), bits \(b)")
                    b += 1
                }
            }
            XCTAssertTrue(decoder.isAtEnd, "trial \(trial): the decoder reads exactly the encoder's bytes")
        }
    }

    /// Symbols at the very top of the interval keep the low end near 2^32, which produces long
    /// runs of 0xFF bytes that a later carry must turn into 0x00: the case the cache handles.
    func testCarryPropagationThroughLongRunsOfFF() throws {
        let cdf: [UInt32] = [0, 1, 65535, 65536]
        var rng = RandomSource(seed: 12)
        var encoder = RangeEncoder()
        var symbols: [Int] = []
        for _ in 0..<20000 {
            let s = rng.index(below: 50) == 0 ? 0 : 2
            symbols.append(s)
            encoder.encode(start: cdf[s], size: cdf[s + 1] - cdf[s], totalBits: 16)
        }
        let stream = encoder.finish()
        XCTAssertTrue(stream.contains(0xFF))
        var decoder = try RangeDecoder(stream)
        for s in symbols {
            let target = try decoder.peek(totalBits: 16)
            let found = (0..<3).first { cdf[$0 + 1] > target }!
            XCTAssertEqual(found, s)
            try decoder.consume(start: cdf[found], size: cdf[found + 1] - cdf[found], totalBits: 16)
        }
        XCTAssertTrue(decoder.isAtEnd)
    }

    /// The stream is within a fraction of a percent of the ideal code length.
    func testLengthIsCloseToTheInformationContent() throws {
        var rng = RandomSource(seed: 13)
        let cdf = randomTable(40, using: &rng)
        var encoder = RangeEncoder()
        var ideal = 0.0
        for _ in 0..<200_000 {
            let s = draw(cdf, using: &rng)
            ideal += 16 - log2(Double(cdf[s + 1] - cdf[s]))
            encoder.encode(start: cdf[s], size: cdf[s + 1] - cdf[s], totalBits: 16)
        }
        let bytes = Double(encoder.finish().count)
        XCTAssertLessThan(bytes * 8, ideal * 1.002 + 64)
        XCTAssertGreaterThan(bytes * 8, ideal)
    }

    func testTruncatedAndDamagedStreamsThrowOrDecodeWithoutTrapping() throws {
        var rng = RandomSource(seed: 14)
        let cdf = randomTable(20, using: &rng)
        var encoder = RangeEncoder()
        for _ in 0..<3000 {
            let s = draw(cdf, using: &rng)
            encoder.encode(start: cdf[s], size: cdf[s + 1] - cdf[s], totalBits: 16)
        }
        let stream = encoder.finish()
        func decodeAll(_ bytes: [UInt8]) throws {
            var decoder = try RangeDecoder(bytes)
            for _ in 0..<3000 {
                let target = try decoder.peek(totalBits: 16)
                let s = (0..<(cdf.count - 1)).first { cdf[$0 + 1] > target }!
                try decoder.consume(start: cdf[s], size: cdf[s + 1] - cdf[s], totalBits: 16)
            }
        }
        XCTAssertThrowsError(try decodeAll(Array(stream.prefix(stream.count / 2)))) { XCTAssertEqual($0 as? RangeDecoderError, .truncated) }
        XCTAssertThrowsError(try decodeAll([])) { XCTAssertEqual($0 as? RangeDecoderError, .truncated) }
        XCTAssertThrowsError(try RangeDecoder([1, 0, 0, 0, 0]))
        for _ in 0..<300 {
            var damaged = stream
            for _ in 0..<(1 + rng.index(below: 4)) { damaged[rng.index(below: damaged.count)] = UInt8(rng.index(below: 256)) }
            _ = try? decodeAll(damaged)  // any outcome but a trap
        }
    }
}
