import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

/// `--model pix2pix` and `--model cyclegan` from the command line: PyTorch-weights parity through
/// `swiftgan translate` (arrays, 28×28 padded and cropped back), the built-in tasks, paired and
/// unpaired folders trained, translated and evaluated with `eval --run`, resume, and the inputs
/// and settings `translate` refuses.
@Suite(.serialized) struct TranslationCommandTests {
    let cli = CLITests()

    /// Writes `x` as .npy, translates it with `weights`, and returns the outputs.
    func translate(_ x: Tensor, weights: String, model: String?, in dir: String) throws -> Tensor {
        try NPY.write(x, to: dir + "/x.npy")
        let result = try cli.swiftgan(["translate", "--weights", weights, "--input", dir + "/x.npy", "--npy", dir + "/y.npy"]
                                      + (model.map { ["--model", $0] } ?? []))
        #expect(result.status == 0, "translate failed: \(result.error)")
        return try NPY.read(dir + "/y.npy")
    }

    @Test func cycleGANGeneratorSavedByPyTorchTranslatesAsPyTorchDoes() throws {
        let dir = try Fixtures.temporaryDirectory()
        let weights = Fixtures.path("torch_cyclegan_generator.safetensors")
        let f = try Fixtures.load("cyclegan_parity.safetensors")
        #expect(relativeError(try translate(f["x"]!, weights: weights, model: "cyclegan", in: dir), f["outputs"]!) < 1e-4)
        let out28 = try translate(f["x28"]!, weights: weights, model: "cyclegan", in: dir)
        #expect(out28.shape == [3, 1, 28, 28], "a 28×28 input gives 28×28 out")
        #expect(relativeError(out28, f["outputs28"]!) < 1e-4, "padded with -1 to 32×32, as PyTorch's pad_to_32, and cropped back")
        let noModel = try cli.swiftgan(["translate", "--weights", weights, "--input", dir + "/x.npy", "--npy", dir + "/z.npy"])
        cli.expectOneLineError(noModel, naming: "pass --model")
    }

    /// The U-Net with the fixture script's formula weights in a file without SwiftGAN metadata, as
    /// PyTorch's `save_file(G.state_dict())` writes one (the 29 MB file itself is not committed).
    @Test func pix2pixGeneratorWithPyTorchsKeysTranslatesAsPyTorchDoes() throws {
        let dir = try Fixtures.temporaryDirectory()
        var rng = RandomGenerator(seed: 0)
        let g = UNetGenerator(channels: 1, generator: &rng)
        TranslationWeights.initialize(g)
        let torchKeys = Set(try Fixtures.load("pix2pix_step.safetensors").keys.filter { $0.hasPrefix("g_after.") }.map { String($0.dropFirst(8)) })
        #expect(Set(g.stateDict().keys) == torchKeys, "the file's keys are PyTorch's state_dict keys")
        try Safetensors.write(g.stateDict(), to: dir + "/unet.safetensors")
        let f = try Fixtures.load("pix2pix_parity.safetensors")
        #expect(relativeError(try translate(f["x"]!, weights: dir + "/unet.safetensors", model: "pix2pix", in: dir), f["outputs"]!) < 1e-4,
                "evaluation mode: dropout off")
        #expect(relativeError(try translate(f["x28"]!, weights: dir + "/unet.safetensors", model: "pix2pix", in: dir), f["outputs28"]!) < 1e-4)
    }

    /// A side-by-side paired folder (pix2pix's AB layout) with a test split: trained, resumed to
    /// the same bytes, translated from a folder and from one PNG, and evaluated.
    @Test func pix2pixTrainsOnAPairedFolderTranslatesAndEvaluates() throws {
        let data = try Fixtures.temporaryDirectory()
        for (split, count) in [("train", 6), ("test", 3)] {
            for i in 0..<count {
                // Left half A: a bar; right half B: the bar thickened.
                try TestImages.writePNG("\(data)/\(split)/\(i).png", width: 64, height: 32) { x, y in
                    let local = x % 32, column = 8 + 3 * i
                    return [x < 32 ? (local == column ? 255 : 0) : (abs(local - column) <= 2 ? 255 : 0)]
                }
            }
        }
        let root = try Fixtures.temporaryDirectory()
        let base = ["train", "--model", "pix2pix", "--data-dir", data, "--resolution", "32", "--steps", "4", "--batch", "2", "--checkpoint-every", "2",
                    "--sample-every", "2", "--log-every", "2", "--seed", "5"]
        let whole = try cli.swiftgan(base + ["--out", root + "/whole"])
        #expect(whole.status == 0, "train failed: \(whole.error)")
        let keys = try Safetensors.read(root + "/whole/generator.safetensors").keys
        #expect(keys.contains("up4.1.weight") && keys.contains("down1.weight"))
        let log = try String(contentsOfFile: root + "/whole/log.jsonl", encoding: .utf8)
        #expect(log.contains("loss_l1") && log.contains("loss_gan"))
        let split = try cli.swiftgan(base + ["--out", root + "/split", "--steps", "2"])
        #expect(split.status == 0)
        let resumed = try cli.swiftgan(["train", "--resume", root + "/split", "--steps", "4"])
        #expect(resumed.status == 0, "resume failed: \(resumed.error)")
        #expect(try AtomicFile.read(root + "/split/generator.safetensors") == AtomicFile.read(root + "/whole/generator.safetensors"),
                "resumed at step 2, the same bytes as the run that never stopped (dropout's stream included)")

        let weights = root + "/whole/generator.safetensors"
        let folder = try cli.swiftgan(["translate", "--weights", weights, "--input", data + "/test", "--out", root + "/translated"])
        #expect(folder.status == 0, "translate failed: \(folder.error)")
        let written = try FileManager.default.contentsOfDirectory(atPath: root + "/translated").sorted()
        #expect(written == ["0.png", "1.png", "2.png"], "one PNG per input, named after it")
        #expect(try ImageFile.header(root + "/translated/0.png") == ImageHeader(width: 64, height: 32, channels: 1),
                "the whole 64×32 picture in (sides the U-Net takes), a 64×32 picture out")
        let one = try cli.swiftgan(["translate", "--weights", weights, "--input", data + "/test/1.png", "--png", root + "/one.png"])
        #expect(one.status == 0, "translate failed: \(one.error)")
        #expect(try ImageFile.header(root + "/one.png") == ImageHeader(width: 64, height: 32, channels: 1))

        let eval = try cli.swiftgan(["eval", "--run", root + "/whole", "--json"])
        #expect(eval.status == 0, "eval failed: \(eval.error)")
        let report = try JSONDecoder().decode(TranslationReport.self, from: Data(eval.output.utf8))
        #expect(report.directions.count == 1 && report.directions[0].count == 3)
        let d = report.directions[0]
        #expect((d.l1 ?? -1) > 0 && (d.psnr ?? 0) > 0 && (d.ssim ?? 2) <= 1 && d.fid == nil, "\(d)")
        #expect(eval.error.contains("no evaluator"), "no evaluator for a folder without --evaluator: \(eval.error)")
    }

    /// trainA/ trainB/ testA/ testB/ folders: both generators and both discriminators saved, each
    /// generator translating its own direction, and both directions evaluated.
    @Test func cycleGANTrainsOnUnpairedFoldersAndEvaluatesBothDirections() throws {
        let data = try Fixtures.temporaryDirectory()
        for (folder, count) in [("trainA", 5), ("trainB", 4), ("testA", 2), ("testB", 3)] {
            for i in 0..<count {
                try TestImages.writePNG("\(data)/\(folder)/\(i).png", width: 32, height: 32) { x, y in
                    [folder.hasSuffix("A") ? UInt8((x * 8 + i * 16) % 256) : UInt8((y * 8 + i * 16) % 256)]
                }
            }
        }
        let run = try Fixtures.temporaryDirectory() + "/run"
        let train = try cli.swiftgan(["train", "--model", "cyclegan", "--data-dir", data, "--resolution", "32", "--steps", "3", "--batch", "2",
                                      "--pool-size", "3", "--sample-every", "3", "--out", run])
        #expect(train.status == 0, "train failed: \(train.error)")
        for name in ["G_AB", "G_BA", "D_A", "D_B"] {
            #expect(FileManager.default.fileExists(atPath: "\(run)/\(name).safetensors"), "\(name).safetensors")
        }
        let translated = try cli.swiftgan(["translate", "--weights", run + "/G_BA.safetensors", "--input", data + "/testB", "--npy", run + "/a.npy"])
        #expect(translated.status == 0, "translate failed: \(translated.error)")
        #expect(try NPY.read(run + "/a.npy").shape == [3, 1, 32, 32])
        let discriminator = try cli.swiftgan(["translate", "--weights", run + "/D_A.safetensors", "--input", data + "/testB", "--npy", run + "/b.npy"])
        cli.expectOneLineError(discriminator, naming: "discriminator")
        let eval = try cli.swiftgan(["eval", "--run", run, "--json"])
        #expect(eval.status == 0, "eval failed: \(eval.error)")
        let report = try JSONDecoder().decode(TranslationReport.self, from: Data(eval.output.utf8))
        #expect(report.directions.map(\.name) == ["A → B", "B → A"] && report.directions.map(\.count) == [2, 3])
    }

    /// The built-in tasks, the shipped evaluators' FID and label preservation on them, and `bench`
    /// at the peer's batch size.
    @Test func trainsOnTheBuiltInTasksAndEvaluatesWithTheShippedEvaluators() throws {
        let root = try Fixtures.temporaryDirectory()
        let pix = try cli.swiftgan(["train", "--model", "pix2pix", "--dataset", "edges2fashion", "--lambda-gan", "0", "--steps", "2",
                                    "--batch", "2", "--log-every", "1", "--out", root + "/edges"])
        #expect(pix.status == 0, "train failed: \(pix.error)")
        // L1 alone: G's loss is 100 times its L1 term, whatever D says.
        let last = try String(contentsOfFile: root + "/edges/log.jsonl", encoding: .utf8).split(separator: "\n").last!
        let record = try JSONSerialization.jsonObject(with: Data(last.utf8)) as! [String: Any]
        let (lossG, l1) = ((record["loss_g"] as! NSNumber).doubleValue, (record["loss_l1"] as! NSNumber).doubleValue)
        #expect(abs(lossG - 100 * l1) < 1e-3 * lossG, "loss_g \(lossG), loss_l1 \(l1)")
        let cyc = try cli.swiftgan(["train", "--model", "cyclegan", "--dataset", "mnist-thin2thick", "--data-dir", Fixtures.mnistDirectory,
                                    "--steps", "2", "--batch", "2", "--out", root + "/digits"])
        #expect(cyc.status == 0, "train failed: \(cyc.error)")
        let evalPix = try cli.swiftgan(["eval", "--run", root + "/edges", "--n", "200", "--json"])
        #expect(evalPix.status == 0, "eval failed: \(evalPix.error)")
        let p = try JSONDecoder().decode(TranslationReport.self, from: Data(evalPix.output.utf8))
        #expect(p.evaluator == "shipped fashion-mnist" && p.directions[0].fid != nil && p.directions[0].ssim != nil
                && p.directions[0].labelPreservation != nil, "\(p)")
        let evalCyc = try cli.swiftgan(["eval", "--run", root + "/digits", "--n", "200"])
        #expect(evalCyc.status == 0, "eval failed: \(evalCyc.error)")
        #expect(evalCyc.output.contains("A → B") && evalCyc.output.contains("B → A") && evalCyc.output.contains("label preservation"))
        let bench = try cli.swiftgan(["bench", "--model", "pix2pix", "--windows", "1", "--seconds", "0.2", "--json"])
        #expect(bench.status == 0 && bench.output.contains("\"batch\": 16"), "bench at the peer's batch: \(bench.output) \(bench.error)")
    }

    @Test func refusesWhatItCannotTranslate() throws {
        let dir = try Fixtures.temporaryDirectory()
        let weights = Fixtures.path("torch_cyclegan_generator.safetensors")
        try NPY.write(Tensor.zeros([2, 3, 32, 32]), to: dir + "/rgb.npy")
        cli.expectOneLineError(try cli.swiftgan(["translate", "--model", "cyclegan", "--weights", weights, "--input", dir + "/rgb.npy",
                                                 "--npy", dir + "/y.npy"]), naming: "rgb.npy", "[n, 1, H, W]")
        try NPY.write(Tensor([Float.nan, 0, 0, 0], shape: [1, 1, 2, 2]), to: dir + "/nan.npy")
        cli.expectOneLineError(try cli.swiftgan(["translate", "--model", "cyclegan", "--weights", weights, "--input", dir + "/nan.npy",
                                                 "--npy", dir + "/y.npy"]), naming: "nan.npy", "non-finite")
        cli.expectOneLineError(try cli.swiftgan(["translate", "--model", "cyclegan", "--weights", weights, "--input", dir + "/missing.png",
                                                 "--png", dir + "/y.png"]), naming: "missing.png")
        cli.expectOneLineError(try cli.swiftgan(["translate", "--model", "cyclegan", "--weights", weights, "--input", dir]),
                               naming: "--npy, --png or --out")
        cli.expectOneLineError(try cli.swiftgan(["translate", "--model", "dcgan", "--weights", weights, "--input", dir + "/rgb.npy",
                                                 "--npy", dir + "/y.npy"]), naming: "dcgan", "does not translate")
        cli.expectOneLineError(try cli.swiftgan(["train", "--model", "cyclegan", "--loss", "hinge", "--steps", "1", "--out", dir + "/r1"]), naming: "--loss lsgan")
        cli.expectOneLineError(try cli.swiftgan(["train", "--model", "pix2pix", "--lambda-l1", "-1", "--steps", "1", "--out", dir + "/r2"]), naming: "--lambda-l1")
        cli.expectOneLineError(try cli.swiftgan(["train", "--model", "pix2pix", "--dataset", "mnist-thin2thick", "--data-dir", Fixtures.mnistDirectory,
                                                 "--steps", "1", "--out", dir + "/r3"]),
                               naming: "paired", "unpaired")
        cli.expectOneLineError(try cli.swiftgan(["eval", "--run", dir]), naming: dir)
    }
}
