import Foundation
import LatentModels
import LatentNN

/// What `latent models` shows about one installed model file.
public struct InstalledModel {
    public var name: String
    public var path: String
    /// The architecture's kind, e.g. "denoise-unet"; nil when the file is not a Latent model.
    public var kind: String?
    /// The task the kind serves: the kind's first word ("denoise" for "denoise-unet").
    public var task: String? { kind.map { String($0.split(separator: "-").first ?? Substring($0)) } }
    public var inputChannels: Int?
    public var parameters: Int
    public var bytesOnDisk: Int
    /// Multiply–adds × 2 per input pixel, where the architecture states it.
    public var flopsPerPixel: Double?
    /// Mirrored context that `latent` adds around every tile (the receptive field, aligned to the
    /// stride): another runtime must pad the same way to reproduce Latent's output exactly.
    public var tileMargin: Int?
    /// Metric-like entries of the training record (PSNR, SSIM, loss, bits per pixel…), plus how
    /// long and how far it trained.
    public var metrics: [String: String]
    /// Why the file could not be read, if it could not.
    public var problem: String?

    /// Reads the header and metadata of `path` (the weights are counted, not kept).
    public init(name: String, path: String) {
        self.name = name
        self.path = path
        bytesOnDisk = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
        parameters = 0
        metrics = [:]
        do {
            let file = try ModelFile(path: path)
            parameters = file.file.tensors.values.reduce(0) { $0 + $1.shape.reduce(1, *) }
            kind = try? file.kind
            if let json = try? file.architectureJSON,
               let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] {
                inputChannels = (object["channels"] as? NSNumber)?.intValue
            }
            if kind == ColorizerArchitecture.kindName, let architecture = try? file.architecture(ColorizerArchitecture.self) {
                inputChannels = 1
                flopsPerPixel = architecture.flopsPerPixel  // per working-resolution pixel
            }
            if kind == DenoiserArchitecture.kindName {
                if let architecture = try? file.architecture(DenoiserArchitecture.self) {
                    flopsPerPixel = architecture.flopsPerPixel
                    tileMargin = TileRequirements(margin: architecture.receptiveFieldRadius,
                                                  alignment: architecture.totalStride, scale: 1).alignedMargin
                }
            } else if kind == UpscalerArchitecture.kindName {
                if let architecture = try? file.architecture(UpscalerArchitecture.self), architecture.problem == nil {
                    flopsPerPixel = architecture.flopsPerInputPixel
                    tileMargin = architecture.tileRequirements.alignedMargin
                }
            }
            if kind == CompressionArchitecture.kindName, let architecture = try? file.architecture(CompressionArchitecture.self) {
                flopsPerPixel = architecture.flopsPerPixel
            }
            if let training = file.trainingJSON,
               let object = try? JSONSerialization.jsonObject(with: Data(training.utf8)) as? [String: Any] {
                for (key, value) in object where Self.isMetric(key) { metrics[key] = "\(value)" }
            }
            metrics.merge(Self.cardMetrics(forWeights: path)) { _, card in card }
        } catch {
            problem = "\(error)"
        }
    }

    /// Dev-set results from the model card (`<name>.json` beside the weights, written by
    /// Pretrained/tools/make_card.py): e.g. "psnr σ=25 set12-gray" → "29.10", and for upscalers
    /// "psnr ×2 set5" → "36.90" with "bicubic psnr ×2 set5" → "33.65", for codecs "bpp mcmaster18" and
    /// "psnr mcmaster18".
    static func cardMetrics(forWeights path: String) -> [String: String] {
        let cardPath = (path as NSString).deletingPathExtension + ".json"
        guard let data = FileManager.default.contents(atPath: cardPath),
              let card = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let evaluations = card["evaluation"] as? [[String: Any]] else { return [:] }
        var result: [String: String] = [:]
        for entry in evaluations {
            if let psnr = (entry["mean_psnr"] as? NSNumber)?.doubleValue, let gray = (entry["mean_gray_psnr"] as? NSNumber)?.doubleValue,
               let ratio = (entry["colorfulness_ratio"] as? NSNumber)?.doubleValue {
                // A colorizer's card may list a temperature sweep: show the row of the model's own T.
                let t = (entry["temperature"] as? NSNumber)?.floatValue
                if let modelT = ((card["architecture"] as? [String: Any])?["temperature"] as? NSNumber)?.floatValue,
                   let t, abs(t - modelT) > 1e-6 { continue }
                let data = ((entry["data"] as? String ?? "") as NSString).lastPathComponent
                result["psnr \(data)"] = String(format: "%.2f", psnr)
                result["gray psnr \(data)"] = String(format: "%.2f", gray)
                result["colorfulness ratio \(data)"] = String(format: "%.2f", ratio)
                continue
            }
            guard let psnr = (entry["mean_psnr"] as? NSNumber)?.doubleValue else { continue }
            let data = ((entry["data"] as? String ?? "") as NSString).lastPathComponent
            if let bpp = (entry["mean_bpp"] as? NSNumber)?.doubleValue {
                // A codec's rate and distortion (latent eval compress), plain or with refined encoding.
                let refine = (entry["refine_steps"] as? NSNumber)?.intValue ?? 0
                let suffix = refine > 0 ? " refine \(refine)" : ""
                result["bpp \(data)\(suffix)"] = String(format: "%.3f", bpp)
                result["psnr \(data)\(suffix)"] = String(format: "%.2f", psnr)
            } else if let sigma = (entry["sigma"] as? NSNumber)?.doubleValue {
                // A denoiser's PSNR at σ, plain or averaged over flips and rotations (--ensemble).
                let suffix = (entry["self_ensemble"] as? Bool) == true ? " ensemble" : ""
                result["psnr σ=\(Int(sigma)) \(data)\(suffix)"] = String(format: "%.2f", psnr)
            } else if let scale = (entry["scale"] as? NSNumber)?.intValue {
                result["psnr ×\(scale) \(data)"] = String(format: "%.2f", psnr)
                if let bicubic = (entry["mean_bicubic_psnr"] as? NSNumber)?.doubleValue {
                    result["bicubic psnr ×\(scale) \(data)"] = String(format: "%.2f", bicubic)
                }
            }
        }
        return result
    }

    static func isMetric(_ key: String) -> Bool {
        let k = key.lowercased()
        return ["psnr", "ssim", "loss", "bpp", "metric", "steps", "wall_seconds"].contains { k.contains($0) }
    }

    /// Every model `ModelLocator.installed()` finds.
    public static func all() -> [InstalledModel] {
        ModelLocator.installed().map { InstalledModel(name: $0.name, path: $0.path) }
    }

    public var text: String {
        var parts = [name, task.map { "\($0) (\(kind!))" } ?? "unknown kind"]
        if let inputChannels { parts.append("\(inputChannels) channel" + (inputChannels == 1 ? "" : "s")) }
        parts.append(Self.count(parameters) + " parameters")
        parts.append(String(format: "%.1f MB", Double(bytesOnDisk) / 1e6))
        if let flopsPerPixel { parts.append(String(format: "%.0f kFLOP/pixel", flopsPerPixel / 1e3)) }
        parts += metrics.keys.sorted().map { "\($0) \(metrics[$0]!)" }
        if let problem { parts.append("unreadable: \(problem)") }
        return parts.joined(separator: "  ") + "\n    " + path
    }

    /// One JSON object (keys sorted); metrics as a nested object.
    public var json: String {
        var object: [String: Any] = ["name": name, "path": path, "parameters": parameters, "bytes": bytesOnDisk,
                                     "metrics": metrics.mapValues { Double($0).map { $0 as Any } ?? $0 }]
        object["kind"] = kind ?? NSNull()
        object["task"] = task ?? NSNull()
        object["input_channels"] = inputChannels ?? NSNull()
        object["flops_per_pixel"] = flopsPerPixel ?? NSNull()
        object["tile_margin"] = tileMargin ?? NSNull()
        object["error"] = problem ?? NSNull()
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    static func count(_ n: Int) -> String {
        n >= 1_000_000 ? String(format: "%.2fM", Double(n) / 1e6) : n >= 1000 ? String(format: "%.1fk", Double(n) / 1e3) : "\(n)"
    }
}
