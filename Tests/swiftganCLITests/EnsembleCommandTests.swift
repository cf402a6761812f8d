import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

/// `swiftgan train --ensemble K` end to end: per-member checkpoints, exact resume, one
/// generator file that samples and evaluates as any other, the mixture and each member
/// measured by `--eval-every`, and the families without a latent generator refusing it.
@Suite(.serialized) struct EnsembleCommandTests {
    let cli = CLITests()

    @Test func trainsResumesSamplesAndMeasuresMembers() throws {
        let root = try Fixtures.temporaryDirectory()
        let base = ["train", "--model", "mlp", "--dataset", "mnist", "--data-dir", Fixtures.mnistDirectory, "--ensemble", "2", "--steps", "20",
                    "--batch", "32", "--log-every", "5", "--sample-every", "20", "--checkpoint-every", "10", "--eval-every", "20",
                    "--eval-samples", "100"]
        let whole = try cli.swiftgan(base + ["--out", root + "/whole"])
        #expect(whole.status == 0, "train failed: \(whole.error)")
        let files = try FileManager.default.contentsOfDirectory(atPath: root + "/whole/checkpoints/step_000010")
        #expect(files.contains("member0.generator.safetensors") && files.contains("member1.discriminator.safetensors"))
        let log = try String(contentsOfFile: root + "/whole/log.jsonl", encoding: .utf8)
        let eval = try #require(log.split(separator: "\n").last { $0.contains("\"eval\"") })
        for name in ["\"modes\"", "\"member0.recall\"", "\"member1.modes\"", "\"recall\""] { #expect(eval.contains(name), "\(name) in \(eval)") }
        let report = try String(contentsOfFile: root + "/whole/report.html", encoding: .utf8)
        #expect(report.contains("evaluator classes covered during training") && report.contains("member1.modes"))

        try cli.expectResumeMatches(base, root: root, removingStep: 20, files: ["generator.safetensors", "discriminator.safetensors"])

        cli.expectOneLineError(try cli.swiftgan(["train", "--resume", root + "/split", "--ensemble", "3", "--steps", "30"]), naming: "--ensemble")
        let sample = try cli.swiftgan(["sample", "--weights", root + "/whole/generator.safetensors", "--n", "5", "--npy", root + "/s.npy"])
        #expect(sample.status == 0, "sample failed: \(sample.error)")
        #expect(try NPY.read(root + "/s.npy").shape == [5, 784])
        let evaluated = try cli.swiftgan(["eval", "--weights", root + "/whole/generator.safetensors", "--dataset", "mnist",
                                          "--data-dir", Fixtures.mnistDirectory, "--n", "100", "--json"])
        #expect(evaluated.status == 0, "eval failed: \(evaluated.error)")

        cli.expectOneLineError(try cli.swiftgan(["export", "--weights", root + "/whole/generator.safetensors", "--out", root + "/g.onnx"]),
                               naming: "ensemble")
        let data = try Fixtures.temporaryDirectory()
        cli.expectOneLineError(try cli.swiftgan(["train", "--model", "pix2pix", "--dataset", "edges2fashion", "--ensemble", "2", "--steps", "1",
                                                 "--out", root + "/p"]), naming: "--ensemble")
        cli.expectOneLineError(try cli.swiftgan(["train", "--model", "mlp", "--data-dir", data, "--ensemble", "17", "--steps", "1",
                                                 "--out", root + "/q"]), naming: "--ensemble")
    }
}
