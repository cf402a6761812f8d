// swift-tools-version:6.0
import PackageDescription

// Layers, bottom to top: system libraries and C kernels; the engine (tensors, autograd);
// the neural-network layer; data and images; the GAN layer; the umbrella module; the CLI.
let v5: [SwiftSetting] = [.swiftLanguageMode(.v5)]
let libraryModules: [Target.Dependency] = ["SwiftGANEngine", "SwiftGANNN", "SwiftGANData", "SwiftGANImages", "SwiftGANCore",
                                           "SwiftGANEvaluation", "SwiftGANServing", "SwiftGANExport", "SwiftGANPractice"]

let package = Package(
    name: "SwiftGAN",
    products: [
        .library(name: "SwiftGAN", targets: ["SwiftGAN"]),
        .executable(name: "swiftgan", targets: ["swiftgan"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        .systemLibrary(name: "CDNNL", providers: [.apt(["libdnnl-dev"])]),
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CLAPACKE", providers: [.apt(["liblapacke-dev"])]),
        .systemLibrary(name: "CPNG", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CJPEG", providers: [.apt(["libjpeg62-turbo-dev"])]),
        .target(name: "SwiftGANKernels"),
        // Open MPI, loaded with dlopen only under mpirun: no build or run-time dependency otherwise.
        .target(name: "SwiftGANMPI"),
        .target(name: "SwiftGANImageCodecs", dependencies: ["CPNG", "CJPEG"],
                linkerSettings: [.linkedLibrary("png16"), .linkedLibrary("jpeg")]),
        .target(name: "SwiftGANDNNL", dependencies: ["CDNNL", "SwiftGANKernels"], linkerSettings: [.linkedLibrary("dnnl")]),
        .target(name: "SwiftGANEngine", dependencies: ["SwiftGANDNNL", "SwiftGANKernels"], swiftSettings: v5),
        .target(name: "SwiftGANNN", dependencies: ["SwiftGANEngine"], swiftSettings: v5),
        .target(name: "SwiftGANData", dependencies: ["SwiftGANEngine", "CZlib", "SwiftGANImageCodecs"], swiftSettings: v5),
        .target(name: "SwiftGANImages", dependencies: ["SwiftGANEngine", "SwiftGANData", "CZlib"], swiftSettings: v5),
        .target(name: "SwiftGANCore",
                dependencies: ["SwiftGANEngine", "SwiftGANNN", "SwiftGANData", "SwiftGANImages", "SwiftGANMPI", "Yams"],
                swiftSettings: v5),
        .target(name: "SwiftGANEvaluation",
                dependencies: ["SwiftGANEngine", "SwiftGANNN", "SwiftGANData", "SwiftGANCore", "CLAPACKE"],
                resources: [.copy("Evaluators")],
                swiftSettings: v5),
        // The sampling server: Hummingbird for HTTP, swift-prometheus for /metrics.
        .target(name: "SwiftGANServing",
                dependencies: ["SwiftGANEngine", "SwiftGANNN", "SwiftGANData", "SwiftGANImages", "SwiftGANCore", "SwiftGANEvaluation",
                               .product(name: "Hummingbird", package: "hummingbird"),
                               .product(name: "Prometheus", package: "swift-prometheus"),
                               .product(name: "Logging", package: "swift-log"), .product(name: "NIOCore", package: "swift-nio"),
                               .product(name: "HTTPTypes", package: "swift-http-types")],
                swiftSettings: v5),
        // ONNX export: the model format's messages from Protos/onnx_subset.proto, generated
        // once (scripts/generate_onnx_swift.sh) and committed, encoded with swift-protobuf.
        .target(name: "SwiftGANExport",
                dependencies: ["SwiftGANEngine", "SwiftGANNN", "SwiftGANCore",
                               .product(name: "SwiftProtobuf", package: "swift-protobuf")],
                swiftSettings: v5),
        // The practice lab: the classic experiments as runs, measured and reported.
        .target(name: "SwiftGANPractice",
                dependencies: ["SwiftGANEngine", "SwiftGANNN", "SwiftGANData", "SwiftGANImages", "SwiftGANCore", "SwiftGANEvaluation"],
                swiftSettings: v5),
        .target(name: "SwiftGAN",
                dependencies: ["SwiftGANEngine", "SwiftGANNN", "SwiftGANData", "SwiftGANImages", "SwiftGANCore",
                               "SwiftGANEvaluation", "SwiftGANServing", "SwiftGANExport", "SwiftGANPractice"],
                swiftSettings: v5),
        // Every library module is listed, not just the umbrella: SwiftPM rebuilds a target when a
        // module it depends on directly changes, and the umbrella's own interface never changes
        // (it only re-exports), so a change in SwiftGANCore alone left the CLI stale.
        .executableTarget(name: "swiftgan",
                          dependencies: ["SwiftGAN"] + libraryModules + [.product(name: "ArgumentParser", package: "swift-argument-parser")],
                          swiftSettings: v5),
        .target(name: "SwiftGANTestSupport", dependencies: ["SwiftGAN"] + libraryModules, path: "Tests/SwiftGANTestSupport",
                swiftSettings: v5),
        .testTarget(name: "SwiftGANEngineTests", dependencies: ["SwiftGANTestSupport", "SwiftGANKernels"] + libraryModules, swiftSettings: v5),
        .testTarget(name: "SwiftGANNNTests", dependencies: ["SwiftGANTestSupport"] + libraryModules, swiftSettings: v5),
        .testTarget(name: "SwiftGANDataTests", dependencies: ["SwiftGANTestSupport"] + libraryModules, swiftSettings: v5),
        .testTarget(name: "SwiftGANCoreTests", dependencies: ["SwiftGANTestSupport"] + libraryModules, swiftSettings: v5),
        .testTarget(name: "SwiftGANEvaluationTests", dependencies: ["SwiftGANTestSupport"] + libraryModules, swiftSettings: v5),
        .testTarget(name: "SwiftGANPracticeTests", dependencies: ["SwiftGANTestSupport"] + libraryModules, swiftSettings: v5),
        .testTarget(name: "swiftganCLITests", dependencies: ["SwiftGANTestSupport"] + libraryModules, swiftSettings: v5),
        .testTarget(name: "SwiftGANImagesTests", dependencies: ["SwiftGANTestSupport"] + libraryModules, swiftSettings: v5),
        .testTarget(name: "SwiftGANExportTests",
                    dependencies: ["SwiftGANTestSupport", .product(name: "SwiftProtobuf", package: "swift-protobuf")] + libraryModules,
                    swiftSettings: v5),
        .testTarget(name: "SwiftGANServingTests",
                    dependencies: ["SwiftGANTestSupport"] + libraryModules,
                    swiftSettings: v5),
    ]
)
