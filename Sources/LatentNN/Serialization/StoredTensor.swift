// One tensor as a safetensors file holds it: element type, shape and little-endian bytes.
// Deliberately independent of the engine's `Tensor`, so that file I/O can be tested (and
// fixtures read) without the engine; conversion to `Tensor` belongs to the layer above.

public struct StoredTensor: Equatable, Sendable {
    public private(set) var dtype: DType
    /// Row-major dimensions; `[]` is a scalar (one element).
    public private(set) var shape: [Int]
    /// Little-endian element bytes; always `elementCount × dtype.byteSize` long.
    public private(set) var bytes: [UInt8]

    /// Wraps raw bytes, checking that they match `shape × dtype`.
    public init(dtype: DType, shape: [Int], bytes: [UInt8]) throws {
        guard let expected = StoredTensor.byteCount(shape: shape, dtype: dtype) else {
            throw SafeTensorsError(source: "<memory>", problem: .invalidShape(shape))
        }
        guard expected == bytes.count else {
            throw SafeTensorsError(source: "<memory>", problem: .byteCountMismatch(bytes: bytes.count, shape: shape, dtype: dtype))
        }
        self.dtype = dtype
        self.shape = shape
        self.bytes = bytes
    }

    /// An F32 tensor from row-major values.
    public init(floats: [Float], shape: [Int]) throws {
        var bytes = [UInt8]()
        bytes.reserveCapacity(floats.count * 4)
        for value in floats { StoredTensor.appendLittleEndian(value.bitPattern, to: &bytes) }
        try self.init(dtype: .f32, shape: shape, bytes: bytes)
    }

    /// An I64 tensor from row-major values (e.g. batch norm's `num_batches_tracked`).
    public init(int64s: [Int64], shape: [Int]) throws {
        var bytes = [UInt8]()
        bytes.reserveCapacity(int64s.count * 8)
        for value in int64s { StoredTensor.appendLittleEndian(UInt64(bitPattern: value), to: &bytes) }
        try self.init(dtype: .i64, shape: shape, bytes: bytes)
    }

    /// The number of elements (1 for a scalar). Never overflows: the initialisers checked it.
    public var elementCount: Int { shape.reduce(1, *) }

    /// The values as Float, converting F16, BF16 and F64 (F64 rounds to nearest).
    /// Integer types throw: use `int64s()` so that a lossy conversion is always a visible choice.
    public func floats() throws -> [Float] {
        let count = elementCount
        switch dtype {
        case .f32:
            #if _endian(little)
            // Weights are mostly F32: copy the bytes instead of assembling each value.
            return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                bytes.withUnsafeBytes { UnsafeMutableRawBufferPointer(buffer).copyMemory(from: $0) }
                initialized = count
            }
            #else
            return (0..<count).map { Float(bitPattern: UInt32(truncatingIfNeeded: load(at: $0 * 4, width: 4))) }
            #endif
        case .f16:
            return (0..<count).map { StoredTensor.halfToFloat(UInt16(truncatingIfNeeded: load(at: $0 * 2, width: 2))) }
        case .bf16:
            return (0..<count).map { Float(bitPattern: UInt32(truncatingIfNeeded: load(at: $0 * 2, width: 2)) << 16) }
        case .f64:
            return (0..<count).map { Float(Double(bitPattern: load(at: $0 * 8, width: 8))) }
        default:
            throw SafeTensorsError(source: "<memory>", problem: .conversionUnsupported(from: dtype, to: "Float"))
        }
    }

    /// The values as Int64 for integer and BOOL types; U64 values above `Int64.max` throw.
    public func int64s() throws -> [Int64] {
        let count = elementCount
        let width = dtype.byteSize
        switch dtype {
        case .bool, .u8, .u16, .u32:
            return (0..<count).map { Int64(load(at: $0 * width, width: width)) }
        case .i8, .i16, .i32, .i64:
            return (0..<count).map { index in
                let raw = load(at: index * width, width: width)
                let unusedBits = UInt64(64 - 8 * width)
                // Shift the sign bit to the top, then arithmetic-shift back to sign-extend.
                return Int64(bitPattern: raw << unusedBits) >> unusedBits
            }
        case .u64:
            return try (0..<count).map { index in
                let raw = load(at: index * 8, width: 8)
                guard raw <= UInt64(Int64.max) else {
                    throw SafeTensorsError(source: "<memory>", problem: .valueNotRepresentable(from: dtype, to: "Int64"))
                }
                return Int64(raw)
            }
        default:
            throw SafeTensorsError(source: "<memory>", problem: .conversionUnsupported(from: dtype, to: "Int64"))
        }
    }

    /// `shape × dtype.byteSize`, or nil when a dimension is negative or the product overflows.
    public static func byteCount(shape: [Int], dtype: DType) -> Int? {
        var count = 1
        for dimension in shape {
            guard dimension >= 0 else { return nil }
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow else { return nil }
            count = product
        }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: dtype.byteSize)
        return overflow ? nil : bytes
    }

    // MARK: - Little-endian helpers (independent of the host's byte order)

    private func load(at offset: Int, width: Int) -> UInt64 {
        var value: UInt64 = 0
        for byte in 0..<width { value |= UInt64(bytes[offset + byte]) << (8 * UInt64(byte)) }
        return value
    }

    static func appendLittleEndian<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        for byte in 0..<(T.bitWidth / 8) { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * byte))) }
    }

    /// IEEE 754 binary16 → binary32, written out so it works where `Float16` is unavailable.
    static func halfToFloat(_ half: UInt16) -> Float {
        let sign = UInt32(half >> 15) << 31
        let exponent = UInt32(half >> 10) & 0x1F
        let mantissa = UInt32(half) & 0x3FF
        if exponent == 0x1F {  // infinity or NaN: keep the payload
            return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
        }
        if exponent == 0 {  // zero or subnormal: value = mantissa × 2^-24, exact in Float
            let magnitude = Float(mantissa) * Float(sign: .plus, exponent: -24, significand: 1)
            return sign == 0 ? magnitude : -magnitude
        }
        return Float(bitPattern: sign | ((exponent + 112) << 23) | (mantissa << 13))
    }
}
