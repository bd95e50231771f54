import Foundation
import LatentNN
import LatentTensor

/// A factorized density frozen into integer cumulative frequency tables, one per latent
/// channel: what the range coder codes with. Built once from the trained density (in floating
/// point, on the training machine) and stored in the model file as integers, so coding never
/// depends on floating-point results that could differ between machines.
///
/// Channel c codes q = round(y − median_c) as the table index q − offset_c. Its table has
/// `cdf[c].count − 2` symbols plus a last *escape* symbol for values outside the table (the
/// density's tails, mass ≈ `tailMass`): after the escape, q itself follows in an Elias-gamma
/// code of its zig-zag value, as equally likely bits. Every symbol, escape included, has a
/// frequency of at least 1 in 2^16, so any integer latent can be coded.
public struct EntropyTables: Equatable {
    /// Frequencies add up to 2^precision.
    public static let precision = 16
    /// Tables hold at most this many symbols each side of the median; farther values escape.
    public static let maximumHalfWidth = 2048
    /// Escaped values are clamped to ±2^30, so their Elias-gamma code has at most 32 bits.
    static let escapeLimit: Int32 = 1 << 30

    /// [C] floats added back after decoding: ŷ = q + median.
    public var medians: [Float]
    /// [C] the value q of table index 0.
    public var offsets: [Int32]
    /// [C] cumulative frequencies: 0, …, 2^precision; `count − 1` symbols (the last one escapes).
    public var cdfs: [[UInt32]]

    public var channels: Int { medians.count }

    public init(medians: [Float], offsets: [Int32], cdfs: [[UInt32]]) throws {
        self.medians = medians
        self.offsets = offsets
        self.cdfs = cdfs
        if let problem { throw EntropyTablesError(reason: problem) }
    }

    /// What makes these tables unusable, or nil.
    var problem: String? {
        guard offsets.count == medians.count, cdfs.count == medians.count, !medians.isEmpty else {
            return "\(medians.count) medians, \(offsets.count) offsets and \(cdfs.count) tables"
        }
        let total = UInt32(1) << UInt32(Self.precision)
        for (c, cdf) in cdfs.enumerated() {
            guard cdf.count >= 3, cdf.count <= 2 * Self.maximumHalfWidth + 3 else { return "channel \(c): \(cdf.count) CDF entries" }
            guard cdf.first == 0, cdf.last == total else { return "channel \(c): the CDF does not run from 0 to 2^\(Self.precision)" }
            for i in 1..<cdf.count where cdf[i] <= cdf[i - 1] { return "channel \(c): the CDF is not increasing at \(i)" }
            guard medians[c].isFinite, abs(medians[c]) < 1e6 else { return "channel \(c): median \(medians[c])" }
            guard abs(Int(offsets[c])) <= Int(Self.escapeLimit) else { return "channel \(c): offset \(offsets[c])" }
        }
        return nil
    }

    // MARK: - Coding

    /// Codes the latent y ([C, H, W] floats, plain row-major) channel by channel.
    public func encode(_ y: UnsafeBufferPointer<Float>, height: Int, width: Int) -> [UInt8] {
        precondition(y.count == channels * height * width, "latent of \(y.count) values for \(channels)×\(height)×\(width)")
        var encoder = RangeEncoder()
        let plane = height * width
        for c in 0..<channels {
            let cdf = cdfs[c]
            let symbols = cdf.count - 2
            let median = medians[c], offset = Int(offsets[c])
            for k in 0..<plane {
                let q = Self.quantize(y[c * plane + k] - median)
                let index = Int(q) - offset
                if index >= 0 && index < symbols {
                    encoder.encode(start: cdf[index], size: cdf[index + 1] - cdf[index], totalBits: Self.precision)
                } else {
                    encoder.encode(start: cdf[symbols], size: cdf[symbols + 1] - cdf[symbols], totalBits: Self.precision)
                    Self.encodeEscaped(q, into: &encoder)
                }
            }
        }
        return encoder.finish()
    }

    /// Decodes `encode`'s stream back to ŷ = q + median ([C, H, W]). Throws on a corrupt,
    /// truncated or overlong stream.
    public func decode(_ stream: [UInt8], height: Int, width: Int) throws -> [Float] {
        var decoder = try RangeDecoder(stream)
        let plane = height * width
        var result = [Float](repeating: 0, count: channels * plane)
        for c in 0..<channels {
            let cdf = cdfs[c]
            let symbols = cdf.count - 2
            let median = medians[c], offset = Int(offsets[c])
            for k in 0..<plane {
                let target = try decoder.peek(totalBits: Self.precision)
                // The symbol s with cdf[s] ≤ target < cdf[s + 1].
                var lo = 0, hi = cdf.count - 1
                while hi - lo > 1 {
                    let mid = (lo + hi) / 2
                    if cdf[mid] <= target { lo = mid } else { hi = mid }
                }
                try decoder.consume(start: cdf[lo], size: cdf[lo + 1] - cdf[lo], totalBits: Self.precision)
                let q = lo < symbols ? Int32(lo + offset) : try Self.decodeEscaped(&decoder)
                result[c * plane + k] = Float(q) + median
            }
        }
        guard decoder.isAtEnd else { throw RangeDecoderError.corrupt("\(stream.count - decoder.consumed) bytes after the last symbol") }
        return result
    }

    /// round(v) to an integer, half away from zero; NaN codes as 0 and huge values clamp.
    @inline(__always)
    static func quantize(_ v: Float) -> Int32 {
        guard v.isFinite else { return v.isNaN ? 0 : (v > 0 ? escapeLimit : -escapeLimit) }
        let r = v.rounded()
        return Int32(max(min(r, Float(escapeLimit)), -Float(escapeLimit)))
    }

    /// Elias gamma of zigzag(q) + 1: its bit length n − 1 in 5 bits, then its n − 1 low bits.
    static func encodeEscaped(_ q: Int32, into encoder: inout RangeEncoder) {
        let zigzag = UInt32(bitPattern: (q << 1) ^ (q >> 31))
        let value = zigzag + 1
        let bits = 32 - value.leadingZeroBitCount
        encoder.encodeBits(UInt32(bits - 1), count: 5)
        encoder.encodeBits(value, count: bits - 1)
    }

    static func decodeEscaped(_ decoder: inout RangeDecoder) throws -> Int32 {
        let bits = Int(try decoder.decodeBits(count: 5)) + 1
        let low = try decoder.decodeBits(count: bits - 1)
        let value = UInt64(1) << UInt64(bits - 1) | UInt64(low)
        let zigzag = value - 1
        guard zigzag <= 2 * UInt64(escapeLimit) else { throw RangeDecoderError.corrupt("an escaped value out of range") }
        let magnitude = Int64(zigzag >> 1)
        return Int32(zigzag & 1 == 0 ? magnitude : -magnitude - 1)
    }

    /// Ideal code length in bits of the latent under these tables (escapes counted exactly):
    /// what `encode` produces, less the range coder's few bytes of overhead.
    public func bits(_ y: UnsafeBufferPointer<Float>, height: Int, width: Int) -> Double {
        let plane = height * width
        var total = 0.0
        for c in 0..<channels {
            let cdf = cdfs[c]
            let symbols = cdf.count - 2
            for k in 0..<plane {
                let q = Self.quantize(y[c * plane + k] - medians[c])
                var index = Int(q) - Int(offsets[c])
                var extra = 0.0
                if index < 0 || index >= symbols {
                    let zigzag = UInt32(bitPattern: (q << 1) ^ (q >> 31))
                    extra = Double(5 + 31 - (zigzag + 1).leadingZeroBitCount)
                    index = symbols
                }
                total += Double(Self.precision) - log2(Double(cdf[index + 1] - cdf[index])) + extra
            }
        }
        return total
    }
}

public struct EntropyTablesError: Error, CustomStringConvertible {
    public var reason: String
    public var description: String { "entropy tables: \(reason)" }
}
