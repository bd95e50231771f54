import Foundation
import XCTest
import LatentImage
@testable import LatentTasks

/// The shipped denoisers on the bundled photos at σ = 25, through the same evaluation as
/// `latent eval denoise` (seeded noise on the 8-bit grid, tiled inference, 8-bit PSNR). The floors
/// sit 0.1 dB under what the shipped v3 weights measured on these photos, and well above what the
/// v1 models reached, so a damaged file, a wrong architecture reading or a broken inference path
/// fails here rather than in a user's photos.
final class ShippedDenoiserTests: XCTestCase {
    /// Copies the named Assets photos into a fresh folder, so the evaluation sees only them.
    func assets(_ names: [String]) throws -> String {
        let folder = try BatchFixtures.temporaryFolder("shipped-denoiser")
        addTeardownBlock { try? FileManager.default.removeItem(atPath: folder) }
        for name in names {
            try FileManager.default.copyItem(atPath: LatentBinary.packageRoot.appendingPathComponent("Assets/\(name)").path,
                                             toPath: "\(folder)/\(name)")
        }
        return folder
    }

    func measure(_ model: String, channels: Int, photos: [String]) throws -> DenoiseEvaluation {
        let path = LatentBinary.packageRoot.appendingPathComponent("Pretrained/\(model).safetensors").path
        guard FileManager.default.fileExists(atPath: path) else { throw XCTSkip("no Pretrained/\(model) in this checkout") }
        let images = try TrainingImages(folder: try assets(photos), channels: channels)
        return try DenoiseEvaluation.run(try Denoiser(modelPath: path), images: images, sigma: 25, computeSSIM: false)
    }

    func testGrayDenoiserOnCamera() throws {
        let result = try measure("denoise-gray", channels: 1, photos: ["camera.png"])
        XCTAssertEqual(result.meanNoisyPSNR, 20.59, accuracy: 0.05, "σ = 25 noise, seeded")
        XCTAssertGreaterThan(result.meanPSNR, 29.72, "v3 (five stages) measured 29.83 dB; three stages 29.74, v2 29.44, v1 28.47")
    }

    func testColorDenoiserOnThreePhotos() throws {
        let result = try measure("denoise-color", channels: 3, photos: ["astronaut.png", "chelsea.png", "coffee.png"])
        XCTAssertEqual(result.meanNoisyPSNR, 20.63, accuracy: 0.05, "σ = 25 noise, seeded")
        XCTAssertGreaterThan(result.meanPSNR, 31.46, "v3 measured 31.56 dB; v2 31.47, v1 28.81")
    }
}
