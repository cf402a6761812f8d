import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

/// `--model acgan` end to end with `--orthogonal-reg`, then what the conditional model gives
/// `sample` (per class, `--class`, `--truncate-z`) and `eval` (the conditional metrics).
@Suite(.serialized) struct ACGANCommandTests {
    let cli = CLITests()

    @Test func trainsSamplesAndEvaluatesEndToEnd() throws {
        let data = try Fixtures.temporaryDirectory()
        try TinyDataset.write(to: data, count: 64)
        try TinyDataset.write(to: data, count: 60, split: "test")
        let run = try Fixtures.temporaryDirectory() + "/acgan"
        let train = try cli.swiftgan(["train", "--model", "acgan", "--data-dir", data, "--steps", "2", "--batch", "16",
                                      "--log-every", "1", "--sample-every", "2", "--orthogonal-reg", "0.01", "--out", run])
        #expect(train.status == 0, "train failed: \(train.error)")
        #expect(try TrainingConfig.load(run + "/config.json").orthogonalRegularization == 0.01, "the flag reaches the run's config.json")
        let log = try String(contentsOfFile: run + "/log.jsonl", encoding: .utf8)
        for key in ["\"loss_class_real\"", "\"loss_class_fake\"", "\"loss_class_g\"", "\"class_accuracy_real\""] {
            #expect(log.contains(key), "\(key) in log.jsonl")
        }
        let dKeys = try Safetensors.read(run + "/discriminator.safetensors").keys
        #expect(dKeys.contains("adv.weight_orig") && dKeys.contains("aux.weight_orig") && dKeys.contains("net.2.weight_u"))

        // The generator is cgan's: one row per class, --class, and --model acgan for a file without metadata.
        let g = run + "/generator.safetensors"
        let all = try cli.swiftgan(["sample", "--weights", g, "--n", "2", "--npy", run + "/all.npy", "--png", run + "/all.png"])
        #expect(all.status == 0, "sample failed: \(all.error)")
        #expect(try NPY.read(run + "/all.npy").shape == [20, 1, 28, 28], "two of each class")
        let three = try cli.swiftgan(["sample", "--model", "acgan", "--weights", g, "--n", "4", "--class", "3", "--npy", run + "/three.npy"])
        #expect(three.status == 0, "sample --class failed: \(three.error)")
        var rng = RandomGenerator(seed: 0)
        let generator = ConditionalDCGANGenerator(generator: &rng)
        try generator.load(from: g)
        generator.eval()
        var zRNG = RandomGenerator(seed: 0)
        let expected = withNoGrad { generator(zRNG.normal([4, 100]), [3, 3, 3, 3]) }
        #expect(relativeError(try NPY.read(run + "/three.npy"), expected) < 1e-5, "four samples of class 3 from seed 0's latents")

        // --truncate-z: a threshold no normal reaches draws the same latents; a tight one others.
        func sample(_ extra: [String], _ name: String) throws -> Tensor {
            let result = try cli.swiftgan(["sample", "--weights", g, "--n", "3", "--seed", "5", "--npy", run + "/\(name).npy"] + extra)
            #expect(result.status == 0, "sample \(extra) failed: \(result.error)")
            return try NPY.read(run + "/\(name).npy")
        }
        let plain = try sample([], "plain")
        #expect(relativeError(try sample(["--truncate-z", "100"], "loose"), plain) == 0)
        #expect(relativeError(try sample(["--truncate-z", "0.5"], "tight"), plain) > 0)
        try NPY.write(rng.normal([2, 100]), to: run + "/z.npy")
        cli.expectOneLineError(try cli.swiftgan(["sample", "--weights", g, "--z", run + "/z.npy", "--truncate-z", "1", "--npy", run + "/o.npy"]),
                               naming: "--truncate-z", "--z")
        cli.expectOneLineError(try cli.swiftgan(["sample", "--weights", g, "--n", "1", "--truncate-z", "0", "--npy", run + "/o.npy"]),
                               naming: "--truncate-z must be a positive number")

        // eval: the conditional metrics, overall and per class, in JSON and as text.
        let eval = try cli.swiftgan(["eval", "--weights", g, "--dataset", "mnist", "--data-dir", data, "--n", "25", "--json"])
        #expect(eval.status == 0, "eval failed: \(eval.error)")
        let json = try JSONSerialization.jsonObject(with: Data(eval.output.utf8)) as? [String: Any]
        #expect(json?["n_fake"] as? Int == 20, "--n 25 rounded down to 2 of each of 10 classes")
        #expect(eval.error.contains("--n 25 is not a multiple of the 10 classes"), "\(eval.error)")
        for key in ["conditional_accuracy", "intra_fid"] {
            #expect((json?[key] as? Double)?.isFinite == true, "\(key) in \(eval.output)")
        }
        for key in ["conditional_accuracy_per_class", "intra_fid_per_class"] {
            #expect((json?[key] as? [Double])?.count == 10, "\(key) in \(eval.output)")
        }
        let accuracy = json?["conditional_accuracy_per_class"] as? [Double] ?? []
        #expect(accuracy.allSatisfy { (0...1).contains($0) } && abs(accuracy.reduce(0, +) / 10 - (json?["conditional_accuracy"] as? Double ?? -1)) < 1e-9)
        let text = try cli.swiftgan(["eval", "--weights", g, "--dataset", "mnist", "--data-dir", data, "--n", "20", "--truncate-z", "1.5"])
        #expect(text.status == 0, "eval --truncate-z failed: \(text.error)")
        #expect(text.output.contains("conditional accuracy") && text.output.contains("intra-class FID"), "\(text.output)")
        #expect(text.output.split(separator: "\n").filter { $0.hasPrefix("  per class") }.allSatisfy { $0.split(separator: " ").count == 12 },
                "per class: a label and 10 values on one line\n\(text.output)")
        cli.expectOneLineError(try cli.swiftgan(["eval", "--weights", g, "--dataset", "mnist", "--data-dir", data, "--n", "15"]),
                               naming: "--n 15", "at least 20")
    }

    @Test func badOrthogonalRegularizationIsAOneLineError() throws {
        let data = try Fixtures.temporaryDirectory()
        try TinyDataset.write(to: data, count: 32)
        cli.expectOneLineError(try cli.swiftgan(["train", "--model", "acgan", "--data-dir", data, "--steps", "1", "--orthogonal-reg", "-1",
                                                 "--out", data + "/run"]), naming: "--orthogonal-reg", "must not be negative")
        cli.expectOneLineError(try cli.swiftgan(["train", "--model", "toy-cycle", "--steps", "1", "--orthogonal-reg", "0.1",
                                                 "--out", data + "/cycle"]), naming: "toy-cycle", "--orthogonal-reg")
    }
}
