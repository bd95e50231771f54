import XCTest
@testable import LatentTasks

final class ReflectPaddingTests: XCTestCase {
    func testReflectMatchesPyTorchReflect() {
        // torch.nn.functional.pad(arange(4), (3, 3), mode='reflect') = [3, 2, 1, 0, 1, 2, 3, 2, 1, 0]
        XCTAssertEqual((-3..<7).map { ReflectPadding.reflect($0, 4) }, [3, 2, 1, 0, 1, 2, 3, 2, 1, 0])
        XCTAssertEqual(ReflectPadding.reflect(5, 1), 0)
    }

    func testPadThenCropIsIdentity() {
        let src: [Float] = (0..<(2 * 3 * 5)).map(Float.init)
        let padded = src.withUnsafeBufferPointer {
            ReflectPadding.pad($0, channels: 2, width: 5, height: 3, top: 2, left: 1, bottom: 4, right: 3)
        }
        XCTAssertEqual(padded.count, 2 * 9 * 9)
        let back = padded.withUnsafeBufferPointer {
            ReflectPadding.crop($0, channels: 2, width: 9, height: 9, x0: 1, y0: 2, cropWidth: 5, cropHeight: 3)
        }
        XCTAssertEqual(back, src)
        XCTAssertEqual(ReflectPadding.amountToMultiple(17, 8), 7)
        XCTAssertEqual(ReflectPadding.amountToMultiple(16, 8), 0)
    }
}

final class PSNRTests: XCTestCase {
    func testEightBitPSNR() {
        let a: [Float] = [0, 0.5, 1, 0.25]
        XCTAssertEqual(PSNR.eightBit(a, a), .infinity)
        // One sample off by one level out of four: MSE = 1/4 → PSNR = 10·log10(255² · 4).
        let b: [Float] = [1 / 255, 0.5, 1, 0.25]
        XCTAssertEqual(PSNR.eightBit(a, b), 10 * log10(255 * 255 * 4), accuracy: 1e-9)
    }

    func testSSIMOfIdenticalImagesIsOneAndDropsWithNoise() {
        let (w, h) = (32, 24)
        let a: [Float] = (0..<w * h).map { Float(($0 % w) * 7 % 255) / 255 }
        XCTAssertEqual(SSIM.eightBit(a, a, channels: 1, width: w, height: h), 1, accuracy: 1e-12)
        var b = a
        for i in stride(from: 0, to: b.count, by: 3) { b[i] = min(1, b[i] + 0.2) }
        XCTAssertLessThan(SSIM.eightBit(a, b, channels: 1, width: w, height: h), 0.95)
    }
}
