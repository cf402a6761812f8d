import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

/// `--model stylegan` through the CLI: PyTorch's generator sampled with --z (plain, with
/// --truncation 0.7 and --noise none) equals PyTorch's images; a run on 28×28 data (padded to
/// 32×32) resumes bitwise, also with ADA between two moves of p; its generator samples,
/// evaluates through the crop to 28×28, and other models refuse the StyleGAN flags.
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

    /// `--truncation` and `--noise` reach every member of a StyleGAN ensemble: at ψ 0 without
    /// noise each member draws the one image of its average w, so 8 samples hold at most 2.
    @Test func truncationReachesEveryMemberOfAnEnsemble() throws {
        let data = try Fixtures.temporaryDirectory()
        try TinyDataset.write(to: data, count: 24)
        let root = try Fixtures.temporaryDirectory()
        let train = try cli.swiftgan(["train", "--model", "stylegan", "--data-dir", data, "--ensemble", "2", "--steps", "2", "--batch", "4",
                                      "--sample-every", "2", "--log-every", "1", "--out", root + "/run"])
        #expect(train.status == 0, "train failed: \(train.error)")
        func distinctImages(_ flags: [String]) throws -> Int {
            let result = try cli.swiftgan(["sample", "--weights", root + "/run/generator.safetensors", "--n", "8", "--noise", "none",
                                           "--npy", root + "/s.npy"] + flags)
            #expect(result.status == 0, "sample failed: \(result.error)")
            let images = try NPY.read(root + "/s.npy")
            let values = images.scalars, width = values.count / 8
            let rows = (0..<8).map { Array(values[($0 * width)..<(($0 + 1) * width)]) }
            return rows.enumerated().filter { i, row in !rows[..<i].contains { zip($0, row).allSatisfy { abs($0 - $1) < 1e-6 } } }.count
        }
        #expect(try distinctImages(["--truncation", "0"]) <= 2)
        #expect(try distinctImages([]) == 8)
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
        try cli.expectResumeMatches(base, root: root, removingStep: 4, files: ["generator.safetensors", "discriminator.safetensors", "generator_ema.safetensors"])
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

    /// `--ada` (from `--augment-p 0.5`, fast `--ada-kimg`, on 16 of the 24 images with
    /// `--train-images`): p is logged every step and moves by
    /// ±batch·4/(kimg·1000) after every 4th step by the sign of the logged r_t − target; a run
    /// stopped at step 6, between two moves of p, resumes to the bytes of one that never
    /// stopped; bad ADA flags get one line naming them.
    @Test func adaptiveAugmentationMovesPAndResumes() throws {
        let data = try Fixtures.temporaryDirectory()
        try TinyDataset.write(to: data, count: 24)
        let root = try Fixtures.temporaryDirectory()
        let base = ["train", "--model", "stylegan", "--data-dir", data, "--steps", "8", "--batch", "4", "--checkpoint-every", "6",
                    "--sample-every", "8", "--log-every", "1", "--sample-count", "4", "--seed", "5", "--regularization-interval", "3",
                    "--ada", "--augment-p", "0.5", "--ada-kimg", "0.1", "--train-images", "16"]
        let whole = try cli.swiftgan(base + ["--out", root + "/whole"])
        #expect(whole.status == 0, "train failed: \(whole.error)")
        let records = try String(contentsOfFile: root + "/whole/log.jsonl", encoding: .utf8).split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
        let p = records.map { $0["ada_p"] as! Double }
        let rt = records.map { $0["ada_rt"] as? Double }
        #expect(records.map { $0["epoch"] as! Int } == [0, 0, 0, 0, 1, 1, 1, 1], "16 images make an epoch of 4 batches")
        #expect(p.count == 8 && p[0] == 0.5 && p[3] == 0.5)
        #expect(rt.enumerated().allSatisfy { ($0.offset >= 3) == ($0.element != nil) }, "the last r_t from step 4 on: \(rt)")
        let move = 4.0 * 4 / 100
        #expect(abs(p[4] - min(max(0.5 + (rt[3]! > 0.6 ? move : -move), 0), 1)) < 1e-6, "p after step 4: \(p)")
        try cli.expectResumeMatches(base, root: root, removingStep: 8, files: ["generator.safetensors", "discriminator.safetensors", "generator_ema.safetensors"])
        let resumedLog = try String(contentsOfFile: root + "/split/log.jsonl", encoding: .utf8).split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
        #expect(resumedLog.map { $0["ada_rt"] as? Double } == rt && resumedLog.map { $0["ada_p"] as! Double } == p, "the resumed log")
        let short = ["train", "--model", "stylegan", "--data-dir", data, "--steps", "1", "--batch", "4", "--out", root + "/bad"]
        cli.expectOneLineError(try cli.swiftgan(short + ["--ada-target", "0.5"]), naming: "--ada-target")
        cli.expectOneLineError(try cli.swiftgan(short + ["--ada", "--ada-pipeline", "bgcfnc"]), naming: "--ada-pipeline")
        cli.expectOneLineError(try cli.swiftgan(short + ["--ada", "--augment-p", "1.5"]), naming: "--augment-p")
        cli.expectOneLineError(try cli.swiftgan(short + ["--ada", "--ada-target", "1"]), naming: "--ada-target")
        cli.expectOneLineError(try cli.swiftgan(short + ["--train-images", "25"]), naming: "--train-images")
        cli.expectOneLineError(try cli.swiftgan(short + ["--train-images", "0"]), naming: "--train-images")
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

    /// `--progressive` (`--model progan`) grows 4 → 32 (every 4 steps at batch 4 with --fade-images 16), and a run
    /// stopped at step 21, a quarter into the last fade-in, resumes to the bytes of one that
    /// never stopped.
    @Test func progressiveGrowingTrainsTo32AndResumesMidFade() throws {
        let data = try Fixtures.temporaryDirectory()
        try TinyDataset.write(to: data, count: 24)
        let root = try Fixtures.temporaryDirectory()
        let base = ["train", "--progressive", "--data-dir", data, "--steps", "28", "--batch", "4", "--fade-images", "16",
                    "--checkpoint-every", "21", "--sample-every", "28", "--log-every", "1", "--sample-count", "4", "--seed", "2"]
        let whole = try cli.swiftgan(base + ["--out", root + "/whole"])
        #expect(whole.status == 0, "train failed: \(whole.error)")
        let log = try String(contentsOfFile: root + "/whole/log.jsonl", encoding: .utf8).split(separator: "\n")
        let stages = try log.map { line -> (Double, Double) in
            let record = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            return (record["level"] as! Double, record["alpha"] as! Double)
        }
        #expect(stages.map(\.0) == [0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3].map(Double.init))
        #expect(stages[21].1 == 0.25, "step 22 is a quarter into the last fade")
        // The step-21 checkpoint is the only one left.
        try cli.expectResumeMatches(base, root: root, removingStep: 28, files: ["generator.safetensors", "discriminator.safetensors"])
        let sample = try cli.swiftgan(["sample", "--weights", root + "/whole/generator.safetensors", "--n", "2", "--npy", root + "/s.npy"])
        #expect(sample.status == 0, "sample failed: \(sample.error)")
        #expect(try NPY.read(root + "/s.npy").shape == [2, 1, 32, 32])
        let config = try String(contentsOfFile: root + "/whole/config.json", encoding: .utf8)
        #expect(config.contains("\"model\" : \"progan\"") || config.contains("\"model\":\"progan\""), "--progressive is --model progan")
        cli.expectOneLineError(try cli.swiftgan(["train", "--progressive", "--model", "dcgan", "--data-dir", data, "--steps", "1",
                                                 "--out", root + "/both"]), naming: "--progressive")
    }
}
