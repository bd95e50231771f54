import ArgumentParser
import LatentTasks

struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List installed models (Pretrained/ and the folders in LATENT_MODELS).",
        discussion: "For each: task and kind, input channels, parameters, size on disk and the metrics of its training record.")

    @Flag(help: "One JSON object per model.")
    var json = false

    func run() throws {
        let models = InstalledModel.all()
        if models.isEmpty && !json {
            print("no models installed (searched: \(ModelLocator.searchFolders().joined(separator: ", ")))")
        }
        for model in models { print(json ? model.json : model.text) }
    }
}
