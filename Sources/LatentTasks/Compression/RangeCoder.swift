/// A byte-oriented range coder with carry propagation (the one in LZMA, after Subbotin and
/// Martin): integer arithmetic only, so a stream decodes to the same symbols on every machine.
///
/// A symbol is coded as an interval [start, start + size) of a total of 2^totalBits; sizes must
/// be at least 1. The range is kept ≥ 2^24 by shifting out bytes, so totals up to 2^16 keep at
/// least 8 bits of resolution per step. Equally likely bits (`encodeBits`) are intervals of
/// size 1 out of 2^n.
public struct RangeEncoder {
    private var bytes: [UInt8] = []
    /// The low end of the interval: 32 bits plus a carry bit.
    private var low: UInt64 = 0
    private var range: UInt32 = 0xFFFF_FFFF
    /// The last byte not yet written (a carry may still change it) and how many bytes wait with
    /// it (it, then 0xFF bytes that a carry would turn into 0x00).
    private var cache: UInt8 = 0
    private var cacheSize = 1

    public init() {}

    /// Codes the interval [start, start + size) of 2^totalBits (1 ≤ totalBits ≤ 16).
    public mutating func encode(start: UInt32, size: UInt32, totalBits: Int) {
        precondition((1...16).contains(totalBits) && size > 0 && UInt64(start) + UInt64(size) <= 1 << UInt64(totalBits),
                     "range coder: interval [\(start), \(start)+\(size)) of 2^\(totalBits)")
        let r = range >> UInt32(totalBits)
        low += UInt64(r) * UInt64(start)
        range = r * size
        while range < 1 << 24 {
            range <<= 8
            shiftLow()
        }
    }

    /// Codes the low `count` bits of `value` (0 ≤ count ≤ 32) as equally likely bits.
    public mutating func encodeBits(_ value: UInt32, count: Int) {
        var remaining = count
        while remaining > 0 {
            let chunk = min(remaining, 16)
            remaining -= chunk
            let part = (value >> UInt32(remaining)) & ((1 << UInt32(chunk)) - 1)
            encode(start: part, size: 1, totalBits: chunk)
        }
    }

    private mutating func shiftLow() {
        if low < 0xFF00_0000 || low >= 1 << 32 {
            let carry = UInt8(truncatingIfNeeded: low >> 32)
            var pending = cache
            repeat {
                bytes.append(pending &+ carry)
                pending = 0xFF
                cacheSize -= 1
            } while cacheSize != 0
            cache = UInt8(truncatingIfNeeded: low >> 24)
        }
        cacheSize += 1
        low = (low & 0x00FF_FFFF) << 8
    }

    /// Flushes the interval and returns the stream. The decoder reads exactly these bytes.
    public mutating func finish() -> [UInt8] {
        for _ in 0..<5 { shiftLow() }
        return bytes
    }
}

/// Decodes what `RangeEncoder` wrote. Every read is checked: a corrupt or truncated stream
/// throws `RangeDecoderError`, it never traps or reads out of bounds.
public struct RangeDecoder {
    private let bytes: [UInt8]
    private var position = 0
    private var code: UInt32 = 0
    private var range: UInt32 = 0xFFFF_FFFF

    public init(_ bytes: [UInt8]) throws {
        self.bytes = bytes
        // The encoder's first byte is the initial cache: always 0.
        guard try nextByte() == 0 else { throw RangeDecoderError.corrupt("the stream does not start with 0") }
        for _ in 0..<4 { code = (code << 8) | UInt32(try nextByte()) }
    }

    /// Bytes consumed so far; after the last symbol a well-formed stream is used up exactly.
    public var consumed: Int { position }
    public var isAtEnd: Bool { position == bytes.count }

    /// The position of the next symbol in [0, 2^totalBits): find the symbol whose interval holds
    /// it, then call `consume` with that interval.
    public func peek(totalBits: Int) throws -> UInt32 {
        let value = code / (range >> UInt32(totalBits))
        guard value < 1 << UInt32(totalBits) else { throw RangeDecoderError.corrupt("a code outside its interval") }
        return value
    }

    /// Removes the interval [start, start + size) found through `peek`.
    public mutating func consume(start: UInt32, size: UInt32, totalBits: Int) throws {
        let r = range >> UInt32(totalBits)
        code -= r * start
        range = r * size
        while range < 1 << 24 {
            range <<= 8
            code = (code << 8) | UInt32(try nextByte())
        }
    }

    /// Reads `count` equally likely bits (0 ≤ count ≤ 32), as `encodeBits` wrote them.
    public mutating func decodeBits(count: Int) throws -> UInt32 {
        var value: UInt32 = 0
        var remaining = count
        while remaining > 0 {
            let chunk = min(remaining, 16)
            remaining -= chunk
            let part = try peek(totalBits: chunk)
            try consume(start: part, size: 1, totalBits: chunk)
            value = (value << UInt32(chunk)) | part
        }
        return value
    }

    private mutating func nextByte() throws -> UInt8 {
        guard position < bytes.count else { throw RangeDecoderError.truncated }
        defer { position += 1 }
        return bytes[position]
    }
}

public enum RangeDecoderError: Error, Equatable, CustomStringConvertible {
    case truncated
    case corrupt(String)

    public var description: String {
        switch self {
        case .truncated: return "the coded stream ends early"
        case .corrupt(let what): return "the coded stream is corrupt (\(what))"
        }
    }
}
