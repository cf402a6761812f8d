import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

/// `--model biggan` from the command line: PyTorch's generator sampled with given latents and
/// labels, a short run trained, resumed bitwise, sampled per class and evaluated, and the
/// settings it refuses.
@Suite(.serialized) struct BigGANCommandTests {
    let cli = CLITests()

    @Test func samplesPyTorchsGeneratorWithGivenLatentsAndLabels() throws {
        let dir = try Fixtures.temporaryDirectory()
        let result = try cli.swiftgan(["sample", "--model", "biggan", "--weights", Fixtures.path("torch_biggan_generator.safetensors"),
                                       "--z", Fixtures.path("biggan_parity_z.npy"), "--labels", Fixtures.path("biggan_parity_labels.npy"),
                                       "--npy", dir + "/x.npy"])
        #expect(result.status == 0, "sample failed: \(result.error)")
        let expected = try Fixtures.load("biggan_parity.safetensors")["samples"]!
        #expect(relativeError(try NPY.read(dir + "/x.npy"), expected) < 1e-4, "PyTorch's eval-mode samples")
        let noModel = try cli.swiftgan(["sample", "--weights", Fixtures.path("torch_biggan_generator.safetensors"), "--n", "1",
                                        "--npy", dir + "/y.npy"])
        cli.expectOneLineError(noModel, naming: "pass --model")
    }

    /// A run of 4 steps stopped at its step-2 checkpoint and resumed ends with the bytes of one
    /// that never stopped; its settings are the family's defaults; it samples one row per class.
    @Test func trainsResumesAndSamplesPerClass() throws {
        let data = try Fixtures.temporaryDirectory()
        try TinyDataset.write(to: data, count: 20)
        try TinyDataset.write(to: data, count: 20, split: "test")
        let base = ["train", "--model", "biggan", "--data-dir", data, "--steps", "4", "--batch", "4", "--checkpoint-every", "2",
                    "--sample-every", "2", "--log-every", "2", "--sample-count", "10", "--ema", "0.9", "--seed", "3"]
        let root = try Fixtures.temporaryDirectory()
        let whole = try cli.swiftgan(base + ["--out", root + "/whole"])
        #expect(whole.status == 0, "train failed: \(whole.error)")
        let config = try TrainingConfig.load(root + "/whole/config.json")
        #expect(config.loss == .hinge && config.learningRateD == 2e-4 && config.learningRateG == 5e-5 && config.beta1 == 0,
                "the family's defaults: \(config)")
        try cli.expectResumeMatches(base, root: root, removingStep: 4, files: ["generator.safetensors", "discriminator.safetensors", "generator_ema.safetensors"])
        let g = root + "/whole/generator.safetensors"
        #expect(try Safetensors.readWithMetadata(g).metadata["swiftgan.classes"] == "10")
        let all = try cli.swiftgan(["sample", "--weights", g, "--n", "2", "--npy", root + "/all.npy", "--png", root + "/all.png"])
        #expect(all.status == 0, "sample failed: \(all.error)")
        #expect(try NPY.read(root + "/all.npy").shape == [20, 1, 28, 28], "two samples of each class")
        let three = try cli.swiftgan(["sample", "--weights", root + "/whole/generator_ema.safetensors", "--n", "3", "--class", "7",
                                      "--seed", "4", "--npy", root + "/seven.npy"])
        #expect(three.status == 0, "sample --class failed: \(three.error)")
        #expect(try NPY.read(root + "/seven.npy").shape == [3, 1, 28, 28])
        cli.expectOneLineError(try cli.swiftgan(["sample", "--weights", g, "--n", "1", "--class", "10", "--npy", root + "/x.npy"]),
                               naming: "--class 10")
        let keys = try Safetensors.read(root + "/whole/discriminator.safetensors").keys
        #expect(keys.contains("embed.weight_orig") && keys.contains("attention.gamma") && keys.contains("block1.conv_sc.weight_u"))
        let eval = try cli.swiftgan(["eval", "--weights", g, "--data-dir", data, "--n", "20", "--json"])
        #expect(eval.status == 0, "eval failed: \(eval.error)")
    }

    /// The README's BigGAN with its options: orthogonal regularization and DiffAugment reach the
    /// run (its settings, its checkpointed `augment` stream, different weights from a plain run),
    /// and its generator samples with truncated latents.
    @Test func trainsWithOrthogonalRegularizationAndDiffAugment() throws {
        let data = try Fixtures.temporaryDirectory()
        try TinyDataset.write(to: data, count: 16)
        let root = try Fixtures.temporaryDirectory()
        let base = ["train", "--model", "biggan", "--data-dir", data, "--steps", "2", "--batch", "4", "--checkpoint-every", "2",
                    "--sample-count", "10", "--seed", "5"]
        let plain = try cli.swiftgan(base + ["--out", root + "/plain"])
        #expect(plain.status == 0, "train failed: \(plain.error)")
        let options = try cli.swiftgan(base + ["--orthogonal-reg", "1e-4", "--diffaugment", "translation,cutout,color", "--out", root + "/aug"])
        #expect(options.status == 0, "train with the options failed: \(options.error)")
        let config = try TrainingConfig.load(root + "/aug/config.json")
        #expect(config.orthogonalRegularization == 1e-4 && config.diffAugment == "translation,cutout,color")
        let state = try String(contentsOfFile: root + "/aug/checkpoints/step_000002/state.json", encoding: .utf8)
        #expect(state.contains("\"augment\""), "the DiffAugment stream is checkpointed")
        #expect(try AtomicFile.read(root + "/aug/generator.safetensors") != AtomicFile.read(root + "/plain/generator.safetensors"))
        let sample = try cli.swiftgan(["sample", "--weights", root + "/aug/generator.safetensors", "--n", "1", "--truncate-z", "1.0",
                                       "--png", root + "/classes.png"])
        #expect(sample.status == 0, "sample --truncate-z failed: \(sample.error)")
        #expect(FileManager.default.fileExists(atPath: root + "/classes.png"))
    }

    @Test func refusesWhatItCannotUse() throws {
        let data = try Fixtures.temporaryDirectory()
        try TinyDataset.write(to: data, count: 16)
        let out = try Fixtures.temporaryDirectory() + "/run"
        func train(_ extra: [String]) throws -> CLITests.Result {
            try cli.swiftgan(["train", "--model", "biggan", "--data-dir", data, "--steps", "1", "--batch", "8", "--out", out] + extra)
        }
        cli.expectOneLineError(try train(["--r1", "1"]), naming: "model biggan does not support", "--r1")
        cli.expectOneLineError(try train(["--loss", "wgan-gp"]), naming: "model biggan does not support")
        cli.expectOneLineError(try train(["--discriminator", "concat"]), naming: "--discriminator", "--model cgan")
        cli.expectOneLineError(try train(["--resolution", "32"]), naming: "1×28×28", "1×32×32")
        cli.expectOneLineError(try train(["--dataset", "ring8"]), naming: "labeled images")
    }
}
