/// Minimal EXIF reader: the orientation tag (0x0112) of IFD0.
///
/// Input is the TIFF structure that follows "Exif\0\0" in a JPEG APP1 segment (or a PNG eXIf
/// chunk): byte-order mark "II" (little-endian) or "MM" (big-endian), 42, offset of IFD0.
/// Every offset is bounds-checked; malformed data yields nil rather than a failure, because a
/// broken EXIF block should not make the pixels unreadable.
public enum EXIF {
    public static let orientationTag: UInt16 = 0x0112

    /// The orientation value (1–8) or nil when absent, out of range or unreadable.
    public static func orientation(tiff: UnsafeRawBufferPointer) -> Int? {
        guard tiff.count >= 8 else { return nil }
        let littleEndian: Bool
        switch (tiff[0], tiff[1]) {
        case (0x49, 0x49): littleEndian = true
        case (0x4D, 0x4D): littleEndian = false
        default: return nil
        }
        func u16(_ offset: Int) -> UInt16? {
            guard offset >= 0, offset + 2 <= tiff.count else { return nil }
            let a = UInt16(tiff[offset]), b = UInt16(tiff[offset + 1])
            return littleEndian ? a | b << 8 : a << 8 | b
        }
        func u32(_ offset: Int) -> UInt32? {
            guard let lo = u16(littleEndian ? offset : offset + 2),
                  let hi = u16(littleEndian ? offset + 2 : offset) else { return nil }
            return UInt32(hi) << 16 | UInt32(lo)
        }
        guard u16(2) == 42, let ifd = u32(4).map(Int.init), let count = u16(ifd) else { return nil }
        for entry in 0..<Int(count) {
            let base = ifd + 2 + 12 * entry
            guard let tag = u16(base) else { return nil }
            guard tag == orientationTag else { continue }
            // Type SHORT (3), count 1: the value sits in the first two bytes of the value field.
            guard u16(base + 2) == 3, let value = u16(base + 8), (1...8).contains(value) else { return nil }
            return Int(value)
        }
        return nil
    }

    public static func orientation(tiff: [UInt8]) -> Int? {
        tiff.withUnsafeBytes { orientation(tiff: $0) }
    }
}
