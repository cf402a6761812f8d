import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

/// `swiftgan train` end to end: resume, run-directory safety, image folders, settings.
@Suite(.serialized) struct TrainCommandTests {
    let cli = CLITests()

    func oneLine(_ text: String) -> Bool {
        text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").count == 1
    }

    /// `--config run.yaml` as the README shows it: the file's settings, flags over them, the
    /// resolved whole in config.json; a bad file is a one-line error naming it and the field.
    @Test func trainsFromAYAMLConfig() throws {
        let data = try Fixtures.temporaryDirectory()
        try TinyDataset.write(to: data, count: 64)
        let root = try Fixtures.temporaryDirectory()
        try Data("""
            model: mlp
            dataDirectory: \(data)
            steps: 4
            batchSize: 16
            learningRateD: 3e-4
            loss: hinge
            logEvery: 2
            """.utf8).write(to: URL(fileURLWithPath: root + "/run.yaml"))
        let result = try cli.swiftgan(["train", "--config", root + "/run.yaml", "--steps", "6", "--out", root + "/run"])
        #expect(result.status == 0, "\(result.error)")
        let saved = try TrainingConfig.load(root + "/run/config.json")
        #expect(saved.steps == 6 && saved.batchSize == 16 && saved.learningRateD == 3e-4 && saved.loss == .hinge)
        #expect(Checkpoint.list(root + "/run/checkpoints").map(\.step) == [6])

        try Data("steps: 4\nlearningRateG: 0\n".utf8).write(to: URL(fileURLWithPath: root + "/zero.yml"))
        let zero = try cli.swiftgan(["train", "--config", root + "/zero.yml", "--out", root + "/zero"])
        #expect(zero.status != 0 && oneLine(zero.error) && zero.error.contains("--lr-g [learningRateG] must be positive"), "\(zero.error)")
        try Data("steps: 4\nbatch: 8\n".utf8).write(to: URL(fileURLWithPath: root + "/typo.yaml"))
        let typo = try cli.swiftgan(["train", "--config", root + "/typo.yaml", "--out", root + "/typo"])
        #expect(typo.status != 0 && oneLine(typo.error) && typo.error.contains("typo.yaml: unknown field 'batch'"), "\(typo.error)")
        #expect(!FileManager.default.fileExists(atPath: root + "/typo"))
    }

    /// The README's `--resume`: a run trained to 20 steps and resumed from the command line to
    /// 40 ends with the same bytes as a run that went to 40 at once.
    @Test func resumeFromTheCommandLineIsBitwiseExact() throws {
        let data = try Fixtures.temporaryDirectory()
        try TinyDataset.write(to: data, count: 128)
        let base = ["train", "--model", "mlp", "--data-dir", data, "--checkpoint-every", "20", "--sample-every", "20",
                    "--log-every", "10", "--ema", "0.9", "--instance-noise", "0.1", "--seed", "5"]
        let root = try Fixtures.temporaryDirectory()
        let whole = try cli.swiftgan(base + ["--steps", "40", "--out", root + "/whole"])
        #expect(whole.status == 0, "train failed: \(whole.error)")
        let first = try cli.swiftgan(base + ["--steps", "40", "--out", root + "/split"])
        #expect(first.status == 0)
        // Stop the second run at 20 by resuming from its step-20 checkpoint alone.
        try FileManager.default.removeItem(atPath: root + "/split/checkpoints/step_000040")
        let resumed = try cli.swiftgan(["train", "--resume", root + "/split"])
        #expect(resumed.status == 0, "resume failed: \(resumed.error)")
        #expect(resumed.output.contains("step 40/40"))
        for file in ["generator.safetensors", "discriminator.safetensors", "generator_ema.safetensors"] {
            #expect(try AtomicFile.read("\(root)/whole/\(file)") == AtomicFile.read("\(root)/split/\(file)"), "\(file) differs")
        }
        let extended = try cli.swiftgan(["train", "--resume", root + "/split", "--steps", "50", "--log-every", "25"])
        #expect(extended.status == 0, "extending failed: \(extended.error)")
        #expect(try TrainingConfig.load(root + "/split/config.json").steps == 50)
        let done = try cli.swiftgan(["train", "--resume", root + "/split"])
        #expect(done.status != 0 && done.error.contains("already has 50 steps of 50"))
    }

    /// A new run never deletes what it did not write.
    @Test func outIsRefusedUnlessItIsEmptyOrAnEarlierRunToOverwrite() throws {
        let data = try Fixtures.temporaryDirectory()
        try TinyDataset.write(to: data, count: 32)
        let base = ["train", "--data-dir", data, "--steps", "2", "--batch", "8"]
        let busy = try Fixtures.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: busy + "/checkpoints", withIntermediateDirectories: true)
        try Data("precious".utf8).write(to: URL(fileURLWithPath: busy + "/checkpoints/mine.txt"))
        let refused = try cli.swiftgan(base + ["--out", busy, "--overwrite"])
        #expect(refused.status != 0 && refused.error.contains("not empty and holds no SwiftGAN run"))
        #expect(FileManager.default.fileExists(atPath: busy + "/checkpoints/mine.txt"))
        let run = try Fixtures.temporaryDirectory() + "/run"
        #expect(try cli.swiftgan(base + ["--out", run]).status == 0)
        let again = try cli.swiftgan(base + ["--out", run])
        #expect(again.status != 0 && again.error.contains("already holds a run"))
        #expect(again.error.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").count == 1)
        #expect(try cli.swiftgan(base + ["--out", run, "--overwrite"]).status == 0)
    }

    /// Bad settings are refused up front with one line naming the flag.
    @Test func badSettingsAreOneLineErrors() throws {
        for (arguments, message) in [(["--lr-g", "inf"], "--lr-g must be a finite float32 number, got 'inf'"),
                                     (["--steps", "0"], "--steps [steps] must be positive, got 0"),
                                     (["--d-steps", "0"], "--d-steps [discriminatorSteps] must be positive, got 0"),
                                     (["--ema", "1.5"], "--ema [emaDecay] must be in [0, 1), got 1.5"),
                                     (["--lr-d", "1e-50"], "--lr-d must be a finite float32 number, got '1e-50'"),
                                     (["--stpes", "3"], "unknown option '--stpes'"),
                                     (["--model", "nope"], "unknown model 'nope'")] {
            let r = try cli.swiftgan(["train"] + arguments + ["--out", try Fixtures.temporaryDirectory() + "/r"])
            #expect(r.status != 0 && r.error.contains(message), "\(arguments): \(r.error)")
            #expect(!r.error.contains("Fatal error") && oneLine(r.error), "\(arguments): \(r.error)")
        }
        for arguments in [["--batch", "0"], ["--batch=-3"], ["--windows", "0"], ["--model", "nope"]] {
            let r = try cli.swiftgan(["bench"] + arguments)
            #expect(r.status != 0 && r.error.contains(String(arguments[0].split(separator: "=")[0])) && !r.error.contains("Fatal error") && oneLine(r.error),
                    "\(arguments): \(r.error)")
        }
        let help = try cli.swiftgan(["train", "--help"])
        #expect(help.output.contains("--lr-d <v>  (default: 0.0002)") && help.output.contains("toy-cycle"))
        #expect(help.output.contains("--lambda-cycle"))
    }

    /// The DCGAN trains on a folder of the user's PNGs in class subfolders (detected from
    /// --data-dir alone); a corrupt file among them is skipped with a warning that names it.
    @Test func trainsOnAFolderOfPNGsAndSkipsACorruptOne() throws {
        let mnist = try ImageDataset.load(.mnist, split: .test, directory: Fixtures.mnistDirectory).prefix(300)
        let folder = try Fixtures.temporaryDirectory() + "/digits"
        let pixels = mnist.images.scalars
        for i in 0..<mnist.count {
            let bytes = pixels[(i * 784)..<((i + 1) * 784)].map { UInt8(max(0, min(255, ($0 + 1) * 127.5)).rounded()) }
            try TestImages.write(PNG.encode(width: 28, height: 28, color: .gray, pixels: bytes),
                                 to: "\(folder)/\(mnist.labels[i])/\(i).png")
        }
        let cache = try Fixtures.temporaryDirectory()
        let run = try Fixtures.temporaryDirectory() + "/run"
        let clean = try cli.swiftgan(["train", "--model", "dcgan", "--data-dir", folder, "--steps", "3", "--batch", "16",
                                      "--out", run], environment: ["SWIFTGAN_CACHE_DIR": cache])
        #expect(clean.status == 0, "train failed: \(clean.error)")
        #expect(FileManager.default.fileExists(atPath: run + "/samples/latest.png"))
        #expect(try ModelRegistry.generator(forWeights: run + "/generator.safetensors", model: nil).0.name == "dcgan")

        try Data("not a png at all".utf8).write(to: URL(fileURLWithPath: "\(folder)/3/broken.png"))
        let warned = try cli.swiftgan(["train", "--model", "dcgan", "--dataset", "folder", "--data-dir", folder, "--steps", "2",
                                       "--batch", "16", "--out", run, "--overwrite"], environment: ["SWIFTGAN_CACHE_DIR": cache])
        #expect(warned.status == 0, "train failed: \(warned.error)")
        #expect(warned.error.contains("\(folder)/3/broken.png") && warned.error.contains("skipped"))

        let empty = try Fixtures.temporaryDirectory() + "/empty"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        let none = try cli.swiftgan(["train", "--dataset", "folder", "--data-dir", empty, "--steps", "2",
                                     "--out", try Fixtures.temporaryDirectory() + "/r"])
        #expect(none.status != 0 && none.error.contains(empty))
        #expect(none.error.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").count == 1)
    }

    /// The four-model recipe trains from the command line and samples without --model.
    @Test func cycleRecipeTrainsAndWeightsSampleWithoutModel() throws {
        let run = try Fixtures.temporaryDirectory() + "/cycle"
        let r = try cli.swiftgan(["train", "--model", "toy-cycle", "--steps", "30", "--lambda-cycle", "5", "--out", run])
        #expect(r.status == 0, "train failed: \(r.error)")
        for file in ["G_AB", "G_BA", "D_A", "D_B"] {
            #expect(FileManager.default.fileExists(atPath: "\(run)/\(file).safetensors"))
        }
        #expect(try TrainingConfig.load(run + "/config.json").option("lambdaCycle", as: Float.self) == 5)
    }

    /// The README's own-pictures workflow: RGB images of mixed sizes in class folders, resized
    /// to 64 (the DCGAN picks its 3×64×64 layout), an evaluator trained on the same folder, and
    /// eval of the generator (architecture from its metadata) against the folder.
    @Test func ownRGBPicturesTrainAndEvaluateAsTheReadmeShows() throws {
        let folder = try Fixtures.temporaryDirectory() + "/flowers"
        for i in 0..<24 {
            let (w, h) = i % 2 == 0 ? (80, 72) : (72, 96)
            let kind = i % 3
            try TestImages.writePNG("\(folder)/class\(kind)/\(i).png", width: w, height: h, rgb: true) { x, y in
                kind == 0 ? [UInt8(200), UInt8(x % 256), 40] : kind == 1 ? [30, UInt8(180), UInt8(y % 256)] : [UInt8((x + y) % 256), 20, 220]
            }
        }
        let env = ["SWIFTGAN_CACHE_DIR": try Fixtures.temporaryDirectory()]
        let run = try Fixtures.temporaryDirectory() + "/run"
        let train = try cli.swiftgan(["train", "--model", "dcgan", "--data-dir", folder, "--resolution", "64", "--channels", "3",
                                      "--steps", "2", "--batch", "8", "--out", run], environment: env)
        #expect(train.status == 0, "train failed: \(train.error)")
        #expect(try ModelRegistry.generator(forWeights: run + "/generator.safetensors", model: nil).0.name == "dcgan64")
        let evaluator = try Fixtures.temporaryDirectory() + "/flowers.safetensors"
        let trained = try cli.swiftgan(["evaluator", "train", "--data-dir", folder, "--resolution", "64", "--epochs", "1",
                                        "--out", evaluator], environment: env)
        #expect(trained.status == 0, "evaluator train failed: \(trained.error)")
        let eval = try cli.swiftgan(["eval", "--weights", run + "/generator.safetensors", "--evaluator", evaluator,
                                     "--data-dir", folder, "--n", "24", "--json"], environment: env)
        #expect(eval.status == 0, "eval failed: \(eval.error)")
        let json = try JSONSerialization.jsonObject(with: Data(eval.output.utf8)) as? [String: Any]
        #expect((json?["fid"] as? Double)?.isFinite == true && json?["n_classes"] as? Int == 3)
    }

    /// A conditional model trained on labeled IDX data samples N per class in class order, or
    /// one class; its discriminator file and a class it does not have are refused by name; eval
    /// asks it for every class.
    @Test func conditionalWeightsSampleByClassWithoutModel() throws {
        let data = try Fixtures.temporaryDirectory()
        try TinyDataset.write(to: data, count: 64)
        let run = try Fixtures.temporaryDirectory() + "/cgan"
        let train = try cli.swiftgan(["train", "--model", "cgan-mlp", "--data-dir", data, "--steps", "5", "--batch", "16", "--out", run])
        #expect(train.status == 0, "train failed: \(train.error)")
        let g = run + "/generator.safetensors"
        let all = try cli.swiftgan(["sample", "--weights", g, "--n", "2", "--npy", run + "/all.npy", "--png", run + "/all.png"])
        #expect(all.status == 0, "sample failed: \(all.error)")
        #expect(try NPY.read(run + "/all.npy").shape == [20, 784])
        let seven = try cli.swiftgan(["sample", "--weights", g, "--n", "3", "--class", "7", "--seed", "4", "--npy", run + "/seven.npy"])
        #expect(seven.status == 0)
        #expect(try NPY.read(run + "/seven.npy").shape == [3, 784])
        // The library gives the same images for class 7 from the same seed.
        let (_, generator) = try ModelRegistry.generator(forWeights: g, model: nil)
        try generator.load(from: g)
        var rng = RandomGenerator(seed: 4)
        let expected = try generator.generateAll(rng.normal([3, 64]), labels: [7, 7, 7])
        #expect(relativeError(try NPY.read(run + "/seven.npy"), expected) < 1e-6)
        let missing = try cli.swiftgan(["sample", "--weights", g, "--n", "3", "--class", "12", "--npy", run + "/x.npy"])
        #expect(missing.status != 0 && missing.error.contains("--class 12: the model has classes 0...9") && oneLine(missing.error))
        let d = try cli.swiftgan(["sample", "--weights", run + "/discriminator.safetensors", "--n", "3", "--npy", run + "/x.npy"])
        #expect(d.status != 0 && d.error.contains("the discriminator") && oneLine(d.error))
        let eval = try cli.swiftgan(["eval", "--weights", g, "--dataset", "mnist", "--data-dir", Fixtures.mnistDirectory, "--n", "200", "--json"])
        #expect(eval.status == 0, "eval failed: \(eval.error)")
    }

    /// The zoo's conditional DCGAN is conditional to sample and eval too: N per class, --class.
    @Test func cganSamplesPerClass() throws {
        let data = try Fixtures.temporaryDirectory()
        try TinyDataset.write(to: data, count: 64)
        let run = try Fixtures.temporaryDirectory() + "/cgan"
        let train = try cli.swiftgan(["train", "--model", "cgan", "--data-dir", data, "--steps", "2", "--batch", "8", "--out", run])
        #expect(train.status == 0, "train failed: \(train.error)")
        let all = try cli.swiftgan(["sample", "--weights", run + "/generator.safetensors", "--n", "2", "--npy", run + "/all.npy"])
        #expect(all.status == 0, "sample failed: \(all.error)")
        #expect(try NPY.read(run + "/all.npy").shape == [20, 1, 28, 28])
        let one = try cli.swiftgan(["sample", "--weights", run + "/generator.safetensors", "--n", "2", "--class", "3", "--npy", run + "/one.npy"])
        #expect(one.status == 0, "sample --class failed: \(one.error)")
    }
}
