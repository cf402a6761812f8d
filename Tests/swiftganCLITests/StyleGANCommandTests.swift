import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

/// `--model stylegan` through the CLI: PyTorch's generator sampled with --z (plain, with
/// --truncation 0.7 and --noise none) equals PyTorch's images; a run on 28×28 data (padded to
/// 32×32) resumes bitwise; its generator samples, evaluates through the crop to 28×28, and
/// other models refuse the StyleGAN flags.
@Suite(.serialized) struct StyleGANCommandTests {
    let cli = CLITests()

    @Test(arguments: [([String](), "const"), (["--truncation", "0.7"], "truncated"), (["--noise", "none"], "no_noise")])
    func samplesPyTorchsGenerator(_ flags: [String], _ key: String) throws {
        let dir = try Fixtures.temporaryDirectory()
        let result = try cli.swiftgan(["sample", "--model", "stylegan", "--weights", Fixtures.path("torch_stylegan_generator.safetensors"),
                                       "--z", Fixtures.path("stylegan_parity_z.npy"), "--npy", dir + "/x.npy"] + flags)
        #expect(result.status == 0, "sample failed: \(result.error)")
        let expected = try Fixtures.load("stylegan_parity.safetensors")[key]!
        #expect(relativeError(try NPY.read(dir + "/x.npy"), expected) < 1e-4, "PyTorch's \(key) images")
    }

    @Test func trainsOnPaddedDataResumesSamplesAndEvaluates() throws {
        let data = try Fixtures.temporaryDirectory()
        try TinyDataset.write(to: data, count: 24)
        try TinyDataset.write(to: data, count: 24, split: "test")
        let root = try Fixtures.temporaryDirectory()
        let base = ["train", "--model", "stylegan", "--data-dir", data, "--steps", "4", "--batch", "4", "--checkpoint-every", "2",
                    "--sample-every", "2", "--log-every", "2", "--sample-count", "8", "--seed", "3", "--regularization-interval", "2",
                    "--style-mixing", "0.9"]
        let whole = try cli.swiftgan(base + ["--out", root + "/whole"])
        #expect(whole.status == 0, "train failed: \(whole.error)")
        let split = try cli.swiftgan(base + ["--out", root + "/split"])
        #expect(split.status == 0)
        try FileManager.default.removeItem(atPath: root + "/split/checkpoints/step_000004")
        let resumed = try cli.swiftgan(["train", "--resume", root + "/split"])
        #expect(resumed.status == 0, "resume failed: \(resumed.error)")
        for file in ["generator.safetensors", "discriminator.safetensors", "generator_ema.safetensors"] {
            #expect(try AtomicFile.read("\(root)/whole/\(file)") == AtomicFile.read("\(root)/split/\(file)"), "\(file) differs after resume")
        }
        let g = root + "/whole/generator_ema.safetensors"
        let sample = try cli.swiftgan(["sample", "--weights", g, "--n", "3", "--truncation", "0.5", "--noise", "random", "--npy", root + "/s.npy",
                                       "--png", root + "/s.png"])
        #expect(sample.status == 0, "sample failed: \(sample.error)")
        #expect(try NPY.read(root + "/s.npy").shape == [3, 1, 32, 32])
        let eval = try cli.swiftgan(["eval", "--weights", g, "--data-dir", data, "--n", "20", "--json"])
        #expect(eval.status == 0, "eval of 32×32 images by the 28×28 evaluator failed: \(eval.error)")
        cli.expectOneLineError(try cli.swiftgan(["train", "--model", "stylegan", "--data-dir", data, "--steps", "1", "--batch", "6",
                                                 "--out", root + "/odd"]), naming: "--batch 6")
    }

    @Test func otherModelsRefuseTheStyleFlags() throws {
        let dir = try Fixtures.temporaryDirectory()
        var rng = RandomGenerator(seed: 0)
        let g = GANModelKind.dcgan.makeGenerator(generator: &rng)
        try g.save(to: dir + "/g.safetensors", metadata: [WeightsMetadata.architecture: "dcgan"])
        cli.expectOneLineError(try cli.swiftgan(["sample", "--weights", dir + "/g.safetensors", "--n", "1", "--truncation", "0.7",
                                                 "--npy", dir + "/x.npy"]), naming: "--truncation")
        cli.expectOneLineError(try cli.swiftgan(["sample", "--weights", dir + "/g.safetensors", "--n", "1", "--noise", "none",
                                                 "--npy", dir + "/x.npy"]), naming: "--noise")
    }
}
