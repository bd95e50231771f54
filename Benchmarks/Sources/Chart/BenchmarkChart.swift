import Foundation
import LatentTasks

/// `LatentBenchmarks chart RESULTS.jsonl... -o CHART.png`: horizontal bars from compare.py's
/// JSON lines — inference milliseconds per megapixel of each model for Latent, PyTorch and ONNX
/// Runtime, and training samples per second for Latent and PyTorch — drawn into an `Image` and
/// written with Latent's PNG encoder.
func runChart(_ arguments: BenchmarkArguments) throws {
    guard !arguments.positional.isEmpty, let output = arguments.options["o"] ?? arguments.options["output"] else {
        throw BenchmarkUsage("chart needs results and an output: LatentBenchmarks chart RESULTS.jsonl... -o CHART.png")
    }
    var results: [[String: Any]] = []
    for path in arguments.positional {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw BenchmarkUsage("cannot read \(path)") }
        for (number, line) in text.split(separator: "\n").enumerated() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw BenchmarkUsage("\(path):\(number + 1): not a JSON object")
            }
            if object["model"] != nil { results.append(object) }
        }
    }
    // Models compare.py could only list (kinds it cannot compare yet) have no bars to draw.
    let keys = (BenchmarkChart.inference + BenchmarkChart.training).map(\.key)
    results = results.filter { result in keys.contains { BenchmarkChart.number(result, $0) != nil } }
    guard !results.isEmpty else { throw BenchmarkUsage("no measured models in \(arguments.positional.joined(separator: ", "))") }
    let chart = BenchmarkChart(results: results)
    try chart.draw().write(to: output, format: .png)
    print("wrote \(output) (\(results.count) model\(results.count == 1 ? "" : "s"))")
}

struct BenchmarkChart {
    struct Series {
        var name: String
        var color: Canvas.Color
        var key: String
    }

    let results: [[String: Any]]

    static let latent = Canvas.Color(0xD9_5F_02), torch = Canvas.Color(0x75_70_B3), ort = Canvas.Color(0x1B_9E_77)
    static let ink = Canvas.Color(0x22_22_22), muted = Canvas.Color(0x77_77_77), rule = Canvas.Color(0xDD_DD_DD)
    static let inference = [Series(name: "Latent", color: latent, key: "latent_ms_per_mp"),
                            Series(name: "PyTorch", color: torch, key: "torch_ms_per_mp"),
                            Series(name: "ONNX RT", color: ort, key: "ort_ms_per_mp")]
    static let training = [Series(name: "Latent", color: latent, key: "latent_train_samples_per_s"),
                           Series(name: "PyTorch", color: torch, key: "torch_train_samples_per_s")]

    // Geometry in pixels; text is the 5×7 font at 2× (12 px per character, 14 px high).
    let width = 1100, margin = 24, labelWidth = 110, barHeight = 18, rowGap = 6, valueWidth = 470

    static func number(_ object: [String: Any], _ key: String) -> Double? { (object[key] as? NSNumber)?.doubleValue }

    static func modelName(_ object: [String: Any]) -> String {
        let model = object["model"] as? String ?? "?"
        return ((model as NSString).lastPathComponent as NSString).deletingPathExtension
    }

    func draw() -> Image {
        let rowsPerModel = { (series: [Series]) in 1 + series.count }
        let inferenceRows = results.count * rowsPerModel(Self.inference)
        let trainingRows = results.count * rowsPerModel(Self.training)
        let height = 2 * margin + 4 * 22 + margin / 2 + margin / 2 + (inferenceRows + trainingRows) * (barHeight + rowGap)
            + 2 * results.count * 8
        var canvas = Canvas(width: width, height: height, background: Canvas.Color(0xFF_FF_FF))
        var y = margin
        let first = results[0]
        let threads = Self.number(first, "threads").map { "\(Int($0)) threads" } ?? ""
        canvas.text("Latent vs PyTorch vs ONNX Runtime, same weights, \(threads)", x: margin, y: y, Self.ink)
        y += 22
        var context: [String] = []
        if let date = first["date"] as? String { context.append(date) }
        if let machine = first["machine"] as? String { context.append(machine) }
        let loads = results.compactMap { Self.number($0, "load_average_1min") }
        if let low = loads.min(), let high = loads.max() {
            context.append(String(format: low == high ? "load %.1f" : "load %.1f-%.1f", low, high))
        }
        canvas.text(context.joined(separator: ", "), x: margin, y: y, Self.muted)
        y += 22 + margin / 2

        let size = Self.number(first, "width").map { w in "\(Int(w))x\(Int(Self.number(first, "height") ?? w)) photo" } ?? "photo"
        canvas.text("Inference from a \(size): ms per megapixel of image (shorter is faster)", x: margin, y: y, Self.ink)
        y += 22
        y = section(&canvas, y: y, series: Self.inference, unit: "ms/MP", format: "%.0f", ratioWord: "time", detail: Self.compared)
        y += margin / 2

        canvas.text("Training step at equal batch and size: samples/s (longer is faster)", x: margin, y: y, Self.ink)
        y += 22
        _ = section(&canvas, y: y, series: Self.training, unit: "samples/s", format: "%.1f", ratioWord: "speed", detail: Self.trainingShape)
        return canvas.image
    }

    /// What a model's inference bars measure: the whole task, or which network on what.
    static func compared(_ object: [String: Any]) -> String? {
        guard let parts = object["parts"] as? [[String: Any]], let first = parts.first, let name = first["part"] as? String else {
            return object["latent_cli_ms_per_mp"] != nil || object["latent_ms_per_mp"] != nil ? "whole task" : nil
        }
        if let images = number(first, "images") {
            let side = (first["output_shape"] as? [NSNumber])?.last.map { "\($0.intValue)px" } ?? ""
            return "\(name), \(Int(images)) \(side) images per call"
        }
        return name == "detail" ? "detail network, per output MP" : "\(name) network"
    }

    static func trainingShape(_ object: [String: Any]) -> String? {
        guard let batch = number(object, "train_batch"), let size = number(object, "train_patch") else { return nil }
        return "batch \(Int(batch)) x \(Int(size))x\(Int(size))"
    }

    /// One block of bars per model, each block on its own scale (models differ in units: output
    /// or input megapixels, patches or whole images); returns the y below it.
    private func section(_ canvas: inout Canvas, y top: Int, series: [Series], unit: String, format: String,
                         ratioWord: String, detail: ([String: Any]) -> String?) -> Int {
        let barLeft = margin + labelWidth, barSpan = width - barLeft - margin - valueWidth
        var y = top
        for result in results {
            let largest = series.compactMap { Self.number(result, $0.key) }.max() ?? 1
            let name = Self.modelName(result)
            canvas.text(name, x: margin, y: y, scale: 2, Self.ink)
            if let detail = detail(result) {
                canvas.text(detail, x: margin + Canvas.textWidth(name) + 16, y: y + 2, Self.muted)
            }
            y += barHeight + rowGap
            for s in series {
                canvas.text(s.name, x: margin + 12, y: y + 2, Self.muted)
                if let value = Self.number(result, s.key), value > 0 {
                    let length = max(1, Int((value / largest * Double(barSpan)).rounded()))
                    canvas.fill(x: barLeft, y: y, width: length, height: barHeight, s.color)
                    var label = String(format: format, value) + " " + unit
                    if s.name == series[0].name {
                        // Latent's value over each peer's: time ratios for inference, rate ratios for training.
                        let ratios = series.dropFirst().compactMap { peer in
                            Self.number(result, peer.key).map { String(format: "%.2fx %@", value / $0, peer.name) }
                        }
                        if !ratios.isEmpty { label += " (" + ratioWord + " " + ratios.joined(separator: ", ") + ")" }
                    }
                    canvas.text(label, x: barLeft + length + 8, y: y + 2, Self.ink)
                } else {
                    canvas.fill(x: barLeft, y: y + barHeight / 2, width: 40, height: 1, Self.rule)
                    canvas.text("not measured", x: barLeft + 48, y: y + 2, Self.muted)
                }
                y += barHeight + rowGap
            }
            y += 8
        }
        return y
    }
}
