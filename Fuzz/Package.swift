// swift-tools-version:6.0
import PackageDescription

// libFuzzer targets for every parser of files and text that SwiftGAN reads from users.
// `make fuzz` builds them with -sanitize=fuzzer,address (see scripts/fuzz.sh).
let targets = ["FuzzSafetensors", "FuzzNPY", "FuzzIDX", "FuzzGzip", "FuzzPNG", "FuzzJPEG", "FuzzConfigJSON", "FuzzConfigYAML",
               "FuzzManifest", "FuzzPNGText"]

let package = Package(
    name: "SwiftGANFuzz",
    dependencies: [.package(name: "SwiftGAN", path: "..")],
    targets: [
        .target(name: "CFuzzDriver"),
        .target(name: "FuzzSupport", dependencies: ["CFuzzDriver"], swiftSettings: [.swiftLanguageMode(.v5)]),
    ] + targets.map { name in
        .executableTarget(name: name, dependencies: ["FuzzSupport", .product(name: "SwiftGAN", package: "SwiftGAN")],
                          swiftSettings: [.swiftLanguageMode(.v5)])
    }
)
