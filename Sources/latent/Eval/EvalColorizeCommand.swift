import ArgumentParser
import Foundation
import LatentTasks

struct EvalColorizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "colorize",
        abstract: "PSNR and colourfulness of a colorizer on colour photos reduced to their luma.",
        discussion: """
        Each photo is converted to its BT.601 luma on the 8-bit grid, colorized and compared \
        with the original: PSNR (RGB, 8-bit) against the gray image's own PSNR (the baseline), \
        and the mean colourfulness (Hasler & Süsstrunk 2003) of the outputs and of the originals.
        """)

    @OptionGroup var engine: EngineOptions

    @Option(help: "Model name or path.") var model: String
    @Option(help: "Folder of colour photos.") var data: String
    @Option(help: "Working resolution (short side).") var renderSize: Int = Colorizer.defaultRenderSize
    @Option(help: "Readout temperatures, comma-separated (default: the model's).") var temperature: String?
    @Option(help: "Also write the gray inputs here as 8-bit PNGs (to measure other colorizers on the same inputs).") var saveGray: String?
    @Flag(help: "Print JSON: one object per image, then a summary per temperature.") var json = false

    func temperatures() throws -> [Float?] {
        guard let temperature else { return [nil] }
        let values = temperature.split(separator: ",").compactMap { Float($0) }
        guard !values.isEmpty, values.count == temperature.split(separator: ",").count, values.allSatisfy({ $0 > 0 }) else {
            throw ValidationError("--temperature takes positive numbers, e.g. 0.38 or 0.2,0.38,0.6")
        }
        return values
    }

    func validate() throws {
        _ = try temperatures()
        guard renderSize >= 32 && renderSize <= 4096 else { throw ValidationError("--render-size must be in 32…4096") }
    }

    func run() throws {
        engine.apply()
        let colorizer = try Colorizer(modelPath: ModelLocator.resolve(model), renderSize: renderSize)
        let images = try TrainingImages(folder: data, channels: 3)
        for s in images.skipped { FileHandle.standardError.write(Data("skipped \(s.path): \(s.reason)\n".utf8)) }
        let modelTemperature = colorizer.temperature
        for t in try temperatures() {
            colorizer.temperature = t ?? modelTemperature
            let r = try ColorizeEvaluation.run(colorizer, images: images, saveGrayTo: saveGray)
            let temperature = Double(colorizer.temperature)
            if json {
                for e in r.entries {
                    print(JSONLine.encode(["image": .string(e.path), "temperature": .number(temperature), "psnr": .number(e.psnr),
                                           "gray_psnr": .number(e.grayPSNR), "colorfulness": .number(e.colorfulness),
                                           "original_colorfulness": .number(e.originalColorfulness)]))
                }
                print(JSONLine.encode(["model": .string(model), "data": .string(data), "task": .string("colorize"),
                                       "temperature": .number(temperature), "render_size": .number(Double(renderSize)),
                                       "images": .number(Double(r.entries.count)), "mean_psnr": .number(r.meanPSNR),
                                       "mean_gray_psnr": .number(r.meanGrayPSNR), "mean_colorfulness": .number(r.meanColorfulness),
                                       "mean_original_colorfulness": .number(r.meanOriginalColorfulness),
                                       "colorfulness_ratio": .number(r.colorfulnessRatio)]))
            } else {
                for e in r.entries {
                    print((e.path as NSString).lastPathComponent + String(format: "  PSNR %.2f dB (gray %.2f dB)  colourfulness %.1f (original %.1f)",
                                                                          e.psnr, e.grayPSNR, e.colorfulness, e.originalColorfulness))
                }
                print(String(format: "mean over %d images at T=%g: PSNR %.3f dB (gray %.3f dB), colourfulness %.2f of %.2f (%.0f%%)",
                             r.entries.count, temperature, r.meanPSNR, r.meanGrayPSNR, r.meanColorfulness,
                             r.meanOriginalColorfulness, 100 * r.colorfulnessRatio))
            }
        }
    }
}
