import Foundation
import XCTest
@testable import LatentImage

/// Paths relative to the package root, found from this file's location.
enum Paths {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = packageRoot.appendingPathComponent("Tests/Fixtures")
    static let assets = packageRoot.appendingPathComponent("Assets")
    /// The shared datasets live beside the worktree (../shared/datasets).
    static let sharedDatasets = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/datasets")

    static func sharedFolder(_ relative: String) throws -> URL {
        let url = sharedDatasets.appendingPathComponent(relative)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw XCTSkip("shared dataset folder \(url.path) is absent (datasets live outside the repository)")
        }
        return url
    }
}

func readBytes(_ url: URL) throws -> [UInt8] { [UInt8](try Data(contentsOf: url)) }

/// Interleaved (HWC) integers recovered from an image: round(v · maxValue).
func interleavedIntegers(_ image: Image, bitDepth: Int) -> [UInt8] {
    image.withUnsafeBufferPointer { planes in
        if bitDepth == 16 {
            let wide = SampleConversion.interleaved(fromPlanar: planes, channels: image.channelCount,
                                                    pixelCount: image.pixelCount, as: UInt16.self)
            return wide.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }  // little-endian
        }
        return SampleConversion.interleaved(fromPlanar: planes, channels: image.channelCount,
                                            pixelCount: image.pixelCount, as: UInt8.self)
    }
}

/// PSNR in dB between two images of equal shape, on the 0–255 scale of 8-bit samples.
func psnr(_ a: Image, _ b: Image) -> Double {
    precondition(a.samples.count == b.samples.count)
    var sum = 0.0
    for i in a.samples.indices {
        let d = Double((a.samples[i] * 255).rounded() - (b.samples[i] * 255).rounded())
        sum += d * d
    }
    let mse = sum / Double(a.samples.count)
    return mse == 0 ? .infinity : 10 * log10(255 * 255 / mse)
}

/// A JPEG with an APP1 EXIF segment holding only IFD0 with the orientation tag, inserted right
/// after SOI (byte order chosen by `littleEndian`).
func insertingEXIFOrientation(_ orientation: Int, into jpeg: [UInt8], littleEndian: Bool) -> [UInt8] {
    func u16(_ v: Int) -> [UInt8] { littleEndian ? [UInt8(v & 0xFF), UInt8(v >> 8)] : [UInt8(v >> 8), UInt8(v & 0xFF)] }
    func u32(_ v: Int) -> [UInt8] { littleEndian ? u16(v & 0xFFFF) + u16(v >> 16) : u16(v >> 16) + u16(v & 0xFFFF) }
    var tiff: [UInt8] = littleEndian ? [0x49, 0x49] : [0x4D, 0x4D]
    tiff += u16(42) + u32(8)
    // IFD0: two entries (an unrelated ImageWidth LONG first, then Orientation SHORT), no next IFD.
    tiff += u16(2)
    tiff += u16(0x0100) + u16(4) + u32(1) + u32(1234)
    tiff += u16(0x0112) + u16(3) + u32(1) + u16(orientation) + u16(0)
    tiff += u32(0)
    let payload = Array("Exif".utf8) + [0, 0] + tiff
    let length = payload.count + 2
    let segment: [UInt8] = [0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)] + payload
    return Array(jpeg[0..<2]) + segment + Array(jpeg[2...])
}
