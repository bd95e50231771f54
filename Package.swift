// swift-tools-version:6.0
// Latent: apply and fine-tune trained neural networks on images, on the CPU.
// Module dependencies follow docs/architecture.md: data flows file → image → tensor → model → tensor → image → file.
import PackageDescription

let package = Package(
    name: "Latent",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "latent", targets: ["latent"]),
        .library(name: "LatentImage", targets: ["LatentImage"]),
        .library(name: "LatentTensor", targets: ["LatentTensor"]),
        .library(name: "LatentNN", targets: ["LatentNN"]),
        .library(name: "LatentModels", targets: ["LatentModels"]),
        .library(name: "LatentTasks", targets: ["LatentTasks"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // System libraries (Debian: libpng-dev, libjpeg62-turbo-dev, libdnnl-dev).
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CJPEG", providers: [.apt(["libjpeg62-turbo-dev"])]),
        .systemLibrary(name: "CDNNL", providers: [.apt(["libdnnl-dev"])]),
        // The little C that Swift cannot write: libjpeg's setjmp/longjmp error handling,
        // re-exported function-like macros, CPU feature checks.
        .target(name: "CLatentShim", dependencies: ["CPNG", "CJPEG", "CDNNL"]),

        .target(name: "LatentImage", dependencies: ["CPNG", "CJPEG", "CLatentShim"]),
        .target(name: "LatentTensor", dependencies: ["CDNNL", "CLatentShim"]),
        .target(name: "LatentNN", dependencies: ["LatentTensor"]),
        .target(name: "LatentModels", dependencies: ["LatentNN"]),
        .target(name: "LatentTasks", dependencies: ["LatentImage", "LatentModels", "CLatentShim"]),
        .executableTarget(name: "latent", dependencies: [
            "LatentTasks",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "LatentBenchmarks", dependencies: ["LatentTasks"], path: "Benchmarks/Sources"),

        // Helpers shared by the test targets (finite-difference gradient checks, seeded generators).
        .target(name: "LatentTestSupport", dependencies: ["LatentTensor"], path: "Tests/LatentTestSupport"),
        .testTarget(name: "LatentImageTests", dependencies: ["LatentImage", "LatentTestSupport"]),
        .testTarget(name: "LatentTensorTests", dependencies: ["LatentTensor", "LatentTestSupport"]),
        .testTarget(name: "LatentNNTests", dependencies: ["LatentNN", "LatentTestSupport"]),
        .testTarget(name: "LatentModelsTests", dependencies: ["LatentModels"]),
        .testTarget(name: "LatentTasksTests", dependencies: ["LatentTasks"]),
    ],
    swiftLanguageModes: [.v5]
)
