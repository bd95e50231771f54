import Foundation
import XCTest
@testable import LatentTasks

/// `latent models` reads each model's dev-set results from its card (`<name>.json` beside the
/// weights, written by Pretrained/tools/make_card.py): one reader for every kind's rows.
final class InstalledModelCardTests: XCTestCase {
    func testCardRowsOfDenoisersUpscalersAndCodecs() throws {
        let folder = try BatchFixtures.temporaryFolder("installed-model-card")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let card: [String: Any] = ["evaluation": [
            ["data": "../shared/datasets/dev/set12-gray", "sigma": 25, "mean_psnr": 29.104],
            ["data": "../shared/datasets/dev/set12-gray", "sigma": 25, "mean_psnr": 29.256, "self_ensemble": true],
            ["data": "../shared/datasets/dev/set5", "scale": 2, "mean_psnr": 36.9, "mean_bicubic_psnr": 33.654],
            ["data": "../shared/datasets/dev/mcmaster18", "mean_bpp": 0.48712, "mean_psnr": 29.8765, "mean_jpeg_psnr": 28.1],
            ["data": "../shared/datasets/dev/mcmaster18", "refine_steps": 100, "mean_bpp": 0.5, "mean_psnr": 30.5],
            ["data": "somewhere", "mean_loss": 1.0],
        ]]
        try JSONSerialization.data(withJSONObject: card).write(to: URL(fileURLWithPath: folder + "/model.json"))
        let metrics = InstalledModel.cardMetrics(forWeights: folder + "/model.safetensors")
        XCTAssertEqual(metrics, [
            "psnr σ=25 set12-gray": "29.10", "psnr σ=25 set12-gray ensemble": "29.26",
            "psnr ×2 set5": "36.90", "bicubic psnr ×2 set5": "33.65",
            "bpp mcmaster18": "0.487", "psnr mcmaster18": "29.88",
            "bpp mcmaster18 refine 100": "0.500", "psnr mcmaster18 refine 100": "30.50",
        ])
    }
}
