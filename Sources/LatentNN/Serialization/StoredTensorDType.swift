// The element types a safetensors file can declare, spelled exactly as in the header ("F32", "BF16", …).
// Nested in `StoredTensor` so it cannot collide with the engine's own element-type enum.

extension StoredTensor {
    public enum DType: String, CaseIterable, Sendable {
        case bool = "BOOL"
        case u8 = "U8"
        case i8 = "I8"
        case f8E5M2 = "F8_E5M2"
        case f8E4M3 = "F8_E4M3"
        case u16 = "U16"
        case i16 = "I16"
        case f16 = "F16"
        case bf16 = "BF16"
        case u32 = "U32"
        case i32 = "I32"
        case f32 = "F32"
        case u64 = "U64"
        case i64 = "I64"
        case f64 = "F64"

        /// Bytes per element, as stored (always little-endian).
        public var byteSize: Int {
            switch self {
            case .bool, .u8, .i8, .f8E5M2, .f8E4M3: return 1
            case .u16, .i16, .f16, .bf16: return 2
            case .u32, .i32, .f32: return 4
            case .u64, .i64, .f64: return 8
            }
        }

        /// Types that `StoredTensor.floats()` converts without choosing a rounding policy for integers.
        public var isFloatingPoint: Bool {
            switch self {
            case .f16, .bf16, .f32, .f64: return true
            default: return false
            }
        }

        /// Types that `StoredTensor.int64s()` converts exactly.
        public var isInteger: Bool {
            switch self {
            case .bool, .u8, .i8, .u16, .i16, .u32, .i32, .u64, .i64: return true
            default: return false
            }
        }
    }
}
