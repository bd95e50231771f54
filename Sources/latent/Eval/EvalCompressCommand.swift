import ArgumentParser
import Foundation
import LatentTasks

struct EvalCompressCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compress",
        abstract: "Rate (real .lat sizes, header included) and PSNR / MS-SSIM of a codec, with JPEG at the matched rate.",
        discussion: """
        For each image: the .lat file's bits per pixel, PSNR and MS-SSIM (RGB, 8-bit) of the decoded \
        image, encode and decode time; then baseline JPEG (libjpeg-turbo, 4:2:0) at the quality whose \
        file is closest in size, on the same image.
        """)

    @OptionGroup var engine: EngineOptions
    @OptionGroup var refinement: RefinementOptions

    @Option(help: "Model name or path.") var model: String
    @Option(help: "Folder of images.") var data: String
    @Flag(help: "Skip the JPEG comparison.") var noJpeg = false
    @Flag(help: "Print JSON: one object per image, then a summary.") var json = false

    func run() throws {
        engine.apply()
        let codec = try LatentCodec(modelPath: ModelLocator.resolve(model))
        codec.refinement = refinement.refinement
        let images = try TrainingImages(folder: data, channels: 3)
        for s in images.skipped { FileHandle.standardError.write(Data("skipped \(s.path): \(s.reason)\n".utf8)) }
        let result = try CompressEvaluation.run(codec, images: images, compareJPEG: !noJpeg)
        func number(_ v: Double?) -> JSONLine.Value { v.map { $0.isFinite ? .number($0) : .null } ?? .null }
        if json {
            for e in result.entries {
                print(JSONLine.encode([
                    "image": .string(e.path), "width": .number(Double(e.width)), "height": .number(Double(e.height)),
                    "bytes": .number(Double(e.bytes)), "bpp": .number(e.bpp), "psnr": .number(e.psnr), "ms_ssim": number(e.msssim),
                    "encode_ms": .number((e.encodeSeconds * 1000).rounded()), "decode_ms": .number((e.decodeSeconds * 1000).rounded()),
                    "jpeg_quality": number(e.jpeg.map { Double($0.quality) }), "jpeg_bytes": number(e.jpeg.map { Double($0.bytes) }),
                    "jpeg_bpp": number(e.jpeg?.bpp), "jpeg_psnr": number(e.jpeg?.psnr), "jpeg_ms_ssim": number(e.jpeg?.msssim),
                ]))
            }
            print(JSONLine.encode([
                "model": .string(model), "model_hash": .string(codec.modelHash.map { String(format: "%02x", $0) }.joined()),
                "data": .string(data), "refine_steps": .number(Double(refinement.refine)), "images": .number(Double(result.entries.count)),
                "mean_bpp": .number(result.meanBPP), "mean_psnr": .number(result.meanPSNR), "mean_ms_ssim": number(result.meanMSSSIM),
                "mean_jpeg_bpp": number(result.meanJPEGBPP), "mean_jpeg_psnr": number(result.meanJPEGPSNR),
                "mean_jpeg_ms_ssim": number(result.meanJPEGMSSSIM),
                "encode_mp_per_s": .number(result.encodeMegapixelsPerSecond), "decode_mp_per_s": .number(result.decodeMegapixelsPerSecond),
            ]))
        } else {
            func f(_ v: Double?, _ format: String) -> String { v.map { $0.isFinite ? String(format: format, $0) : "n/a" } ?? "n/a" }
            for e in result.entries {
                var line = (e.path as NSString).lastPathComponent
                    + String(format: "  %.4f bpp  PSNR %.2f dB  MS-SSIM %@", e.bpp, e.psnr, f(e.msssim, "%.4f"))
                if let j = e.jpeg {
                    line += String(format: "  |  JPEG q%d %.4f bpp  PSNR %.2f dB  MS-SSIM %@", j.quality, j.bpp, j.psnr, f(j.msssim, "%.4f"))
                }
                print(line)
            }
            var summary = String(format: "mean over %d images: %.4f bpp, PSNR %.3f dB, MS-SSIM %@",
                                 result.entries.count, result.meanBPP, result.meanPSNR, f(result.meanMSSSIM, "%.4f"))
            if let jb = result.meanJPEGBPP, let jp = result.meanJPEGPSNR {
                summary += String(format: "; JPEG %.4f bpp, PSNR %.3f dB, MS-SSIM %@", jb, jp, f(result.meanJPEGMSSSIM, "%.4f"))
            }
            summary += String(format: "; encode %.2f MP/s, decode %.2f MP/s", result.encodeMegapixelsPerSecond, result.decodeMegapixelsPerSecond)
            print(summary)
        }
    }
}
