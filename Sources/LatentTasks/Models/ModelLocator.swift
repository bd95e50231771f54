import Foundation

/// Finds model files by name or path.
///
/// `--model` takes a path to a `.safetensors` file or the name of an installed model. Names
/// are looked up, in order, in each folder of `LATENT_MODELS` (colon-separated), in
/// `./Pretrained`, and in the `Pretrained/` folder of the Latent checkout that built the
/// running binary (found by walking up from the executable), so a clone works from anywhere.
public enum ModelLocator {
    public static func searchFolders(environment: [String: String] = ProcessInfo.processInfo.environment) -> [String] {
        var folders: [String] = []
        if let list = environment["LATENT_MODELS"] {
            folders += list.split(separator: ":").map(String.init).filter { !$0.isEmpty }
        }
        folders.append(FileManager.default.currentDirectoryPath + "/Pretrained")
        if let checkout = checkoutPretrained() { folders.append(checkout) }
        var seen = Set<String>()
        return folders.filter { seen.insert(($0 as NSString).standardizingPath).inserted }
    }

    /// The `Pretrained/` folder above the executable (e.g. `<checkout>/.build/release/latent`).
    static func checkoutPretrained() -> String? {
        var url = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            let candidate = url.appendingPathComponent("Pretrained").path
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), isDirectory.boolValue,
               FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
                return candidate
            }
            url.deleteLastPathComponent()
        }
        return nil
    }

    /// A path for `nameOrPath`: an existing file as given, else `<folder>/<name>.safetensors`.
    public static func resolve(_ nameOrPath: String) throws -> String {
        if FileManager.default.fileExists(atPath: nameOrPath) { return nameOrPath }
        let name = nameOrPath.hasSuffix(".safetensors") ? String(nameOrPath.dropLast(12)) : nameOrPath
        for folder in searchFolders() {
            let candidate = (folder as NSString).appendingPathComponent(name + ".safetensors")
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
        }
        throw TaskError.modelNotFound(nameOrPath)
    }

    /// Every installed model file, by name (first folder wins on duplicates).
    public static func installed() -> [(name: String, path: String)] {
        var result: [(String, String)] = []
        var seen = Set<String>()
        for folder in searchFolders() {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            for file in files.sorted() where file.hasSuffix(".safetensors") && !file.hasSuffix(".checkpoint.safetensors") {
                let name = String(file.dropLast(12))
                if seen.insert(name).inserted { result.append((name, (folder as NSString).appendingPathComponent(file))) }
            }
        }
        return result
    }
}
