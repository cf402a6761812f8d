import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

/// `swiftgan export --format onnx`: every generator family's file, run in ONNX Runtime, gives
/// what `swiftgan sample --z` (or `translate`) gives on the same inputs, at a batch size the
/// exporter never traced; and the inputs and flags it refuses.
@Suite(.serialized) struct ExportCommandTests {
    let cli = CLITests()

    /// The venv `make test` makes (scripts/test_bootstrap.sh), or `SWIFTGAN_ONNX_PYTHON`.
    static let python: String? = {
        let candidates = [ProcessInfo.processInfo.environment["SWIFTGAN_ONNX_PYTHON"],
                          Fixtures.repositoryRoot + "/.build/onnx-venv/bin/python"].compactMap { $0 }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// Runs `model` in ONNX Runtime on `feeds` (input name → .npy path) and returns its output.
    func onnxRuntime(_ model: String, _ feeds: [String: String], in dir: String) throws -> Tensor {
        let result = try CLITests.run(Self.python!, [Fixtures.repositoryRoot + "/scripts/onnx_run.py", model, dir + "/onnx.npy"]
                                      + feeds.map { "\($0.key)=\($0.value)" })
        #expect(result.status == 0, "onnx_run.py failed: \(result.error)")
        return try NPY.read(dir + "/onnx.npy")
    }

    /// Running statistics away from their initial 0 and 1, so evaluation-mode batch norm is
    /// really tested, then the weights saved with `metadata`.
    func saveWithStatistics(_ module: Module, metadata: [String: String], to path: String) throws {
        var rng = RandomGenerator(seed: 11)
        let integers = module.integerBufferNames()
        for (name, buffer) in module.namedBuffers() where !integers.contains(name) {
            if name.hasSuffix("running_mean") { buffer.assign(rng.normal(buffer.shape) * 0.3) }
            if name.hasSuffix("running_var") { buffer.assign(rng.uniform(buffer.shape) + 0.5) }
        }
        try module.save(to: path, metadata: metadata)
    }

    @Test(.enabled(if: python != nil, "no Python with onnxruntime (make test's bootstrap makes .build/onnx-venv from PyPI)"))
    func everyLatentGeneratorRunsInONNXRuntimeAsSampleDoes() throws {
        let families = ModelRegistry.families.filter { $0.makeGenerator != nil }
        #expect(families.count >= 9, "mlp, dcgan ×3, toy, cgan-mlp, cgan, acgan, biggan")
        for family in families {
            let dir = try Fixtures.temporaryDirectory()
            let metadata = [WeightsMetadata.architecture: family.name]
            let generator = try family.makeGenerator!(metadata)
            let weights = dir + "/generator.safetensors"
            try saveWithStatistics(generator, metadata: metadata, to: weights)
            let export = try cli.swiftgan(["export", "--format", "onnx", "--weights", weights, "--out", dir + "/g.onnx"])
            #expect(export.status == 0, "\(family.name): export failed: \(export.error)")
            #expect(export.output.contains("wrote \(dir)/g.onnx"))

            var rng = RandomGenerator(seed: 3)
            try NPY.write(rng.normal([3, generator.latentDimension]), to: dir + "/z.npy")
            var feeds = ["z": dir + "/z.npy"]
            var labelArguments: [String] = []
            if generator.classCount > 0 {
                try NPY.writeIntegers([generator.classCount - 1, 0, 2 % generator.classCount], to: dir + "/y.npy")
                feeds["y"] = dir + "/y.npy"
                labelArguments = ["--labels", dir + "/y.npy"]
            }
            let sample = try cli.swiftgan(["sample", "--weights", weights, "--z", dir + "/z.npy", "--npy", dir + "/sample.npy"] + labelArguments)
            #expect(sample.status == 0, "\(family.name): sample failed: \(sample.error)")
            let expected = try NPY.read(dir + "/sample.npy")
            let actual = try onnxRuntime(dir + "/g.onnx", feeds, in: dir)
            #expect(actual.shape == [3] + (generator.imageShape ?? generator.sampleShape), "\(family.name): output \(actual.shape)")
            #expect(relativeError(actual.reshaped(expected.shape), expected) < 1e-4, "\(family.name): ONNX Runtime differs from sample")
        }
    }

    /// StyleGAN's truncation and noise, fixed in the model by the flags, on PyTorch's generator.
    @Test(.enabled(if: python != nil, "no Python with onnxruntime (make test's bootstrap makes .build/onnx-venv from PyPI)"),
          arguments: [(["--truncation", "0.7"], "truncated"), (["--noise", "none"], "no_noise"), ([String](), "const")])
    func styleGANsTruncationAndNoiseAreFixedInTheModel(_ flags: [String], _ key: String) throws {
        let dir = try Fixtures.temporaryDirectory()
        let export = try cli.swiftgan(["export", "--model", "stylegan", "--weights", Fixtures.path("torch_stylegan_generator.safetensors"),
                                       "--out", dir + "/g.onnx"] + flags)
        #expect(export.status == 0, "export failed: \(export.error)")
        let actual = try onnxRuntime(dir + "/g.onnx", ["z": Fixtures.path("stylegan_parity_z.npy")], in: dir)
        #expect(relativeError(actual, try Fixtures.load("stylegan_parity.safetensors")[key]!) < 1e-4, "PyTorch's \(key) images")
        cli.expectOneLineError(try cli.swiftgan(["export", "--model", "stylegan", "--weights", Fixtures.path("torch_stylegan_generator.safetensors"),
                                                 "--out", dir + "/r.onnx", "--noise", "random"]), naming: "--noise random")
    }

    @Test(.enabled(if: python != nil, "no Python with onnxruntime (make test's bootstrap makes .build/onnx-venv from PyPI)"))
    func everyTranslatorRunsInONNXRuntimeAsTranslateDoes() throws {
        let families = ModelRegistry.families.filter { $0.makeTranslator != nil }
        #expect(Set(families.map(\.name)).isSuperset(of: ["pix2pix", "cyclegan"]))
        for family in families {
            let dir = try Fixtures.temporaryDirectory()
            let metadata = [WeightsMetadata.family: family.name]
            let generator = try family.makeTranslator!(metadata)
            let weights = dir + "/generator.safetensors"
            try saveWithStatistics(generator, metadata: metadata, to: weights)
            let export = try cli.swiftgan(["export", "--format", "onnx", "--weights", weights, "--out", dir + "/g.onnx"])
            #expect(export.status == 0, "\(family.name): export failed: \(export.error)")

            // 32×32 as trained, and 28×28, which translate pads to 32 and crops back: the model does too.
            for side in [32, 28] {
                let model = dir + "/g\(side).onnx"
                if side != 32 {
                    let export = try cli.swiftgan(["export", "--weights", weights, "--out", model, "--side", String(side)])
                    #expect(export.status == 0, "\(family.name): export --side \(side) failed: \(export.error)")
                }
                var rng = RandomGenerator(seed: 4)
                try NPY.write(rng.uniform([2, generator.channels, side, side]) * 2 - 1, to: dir + "/x.npy")
                let translate = try cli.swiftgan(["translate", "--weights", weights, "--input", dir + "/x.npy", "--npy", dir + "/t.npy"])
                #expect(translate.status == 0, "\(family.name): translate failed: \(translate.error)")
                let expected = try NPY.read(dir + "/t.npy")
                let actual = try onnxRuntime(side == 32 ? dir + "/g.onnx" : model, ["source": dir + "/x.npy"], in: dir)
                #expect(relativeError(actual, expected) < 1e-4, "\(family.name) at side \(side): ONNX Runtime differs from translate")
            }
        }
    }

    @Test func refusesWhatItCannotWrite() throws {
        let dir = try Fixtures.temporaryDirectory()
        let (weights, _) = try untrainedWeights("dcgan", in: dir)
        let out = dir + "/g.onnx"
        cli.expectOneLineError(try cli.swiftgan(["export", "--format", "tflite", "--weights", weights, "--out", out]), naming: "--format")
        cli.expectOneLineError(try cli.swiftgan(["export", "--format", "onnx", "--weights", weights, "--out", out, "--truncation", "0.5"]),
                               naming: "--truncation", "sample --truncate-z")
        cli.expectOneLineError(try cli.swiftgan(["export", "--format", "onnx", "--weights", weights, "--out", out, "--noise", "none"]),
                               naming: "--noise")
        cli.expectOneLineError(try cli.swiftgan(["export", "--format", "onnx", "--weights", weights, "--out", out, "--side", "64"]),
                               naming: "--side")
        cli.expectOneLineError(try cli.swiftgan(["export", "--format", "onnx", "--weights", dir + "/missing.safetensors", "--out", out]),
                               naming: "missing.safetensors")
        cli.expectOneLineError(try cli.swiftgan(["export", "--format", "onnx", "--weights", weights, "--model", "mlp", "--out", out]),
                               naming: "drop --model")
        let translator = try ModelRegistry.family(named: "cyclegan").makeTranslator!([:])
        try translator.save(to: dir + "/t.safetensors", metadata: [WeightsMetadata.family: "cyclegan"])
        cli.expectOneLineError(try cli.swiftgan(["export", "--weights", dir + "/t.safetensors", "--out", out, "--side", "2000"]),
                               naming: "--side must be 1 to 1024")
        #expect(!FileManager.default.fileExists(atPath: out), "nothing written on refusal")
        let copy = dir + "/copy.safetensors"
        try FileManager.default.copyItem(atPath: weights, toPath: copy)
        cli.expectOneLineError(try cli.swiftgan(["export", "--weights", copy, "--out", copy]), naming: "is the weights file")
        #expect(try Safetensors.read(copy).count > 0, "the weights are untouched")
        var rng = RandomGenerator(seed: 5)
        let g = try ModelRegistry.generator(forWeights: weights, model: nil).1
        g.parameters()[0].assign(rng.normal(g.parameters()[0].shape) / 0)
        try g.save(to: dir + "/nan.safetensors", metadata: [WeightsMetadata.architecture: "dcgan"])
        cli.expectOneLineError(try cli.swiftgan(["export", "--weights", dir + "/nan.safetensors", "--out", out]), naming: "non-finite")
    }
}
