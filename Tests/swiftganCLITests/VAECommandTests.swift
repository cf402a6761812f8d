import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

/// `swiftgan train --model vae` end to end: the run writes the decoder as its generator and the
/// encoder beside it, logs the ELBO's terms, resumes exactly, and `sample` and `eval` take the
/// decoder as any generator; GAN-only settings are refused in one line.
@Suite(.serialized) struct VAECommandTests {
    let cli = CLITests()

    @Test func trainsResumesAndSamples() throws {
        let root = try Fixtures.temporaryDirectory()
        let base = ["train", "--model", "vae", "--dataset", "mnist", "--data-dir", Fixtures.mnistDirectory, "--steps", "12", "--batch", "16",
                    "--log-every", "4", "--sample-every", "12", "--checkpoint-every", "6"]
        let whole = try cli.swiftgan(base + ["--out", root + "/whole"])
        #expect(whole.status == 0, "train failed: \(whole.error)")
        #expect(FileManager.default.fileExists(atPath: root + "/whole/encoder.safetensors"))
        let log = try String(contentsOfFile: root + "/whole/log.jsonl", encoding: .utf8)
        #expect(log.contains("\"loss_kl\"") && log.contains("\"loss_reconstruction\""))
        #expect(!log.contains("\"alarm\""), "\(log)")
        // No discriminator, so no D figures: the progress line and the report show the ELBO's terms.
        #expect(whole.output.contains("step 12/12") && whole.output.contains("reconstruction") && !whole.output.contains("D(x)"), "\(whole.output)")
        let report = try String(contentsOfFile: root + "/whole/report.html", encoding: .utf8)
        #expect(report.contains("final loss") && !report.contains("final D loss"))
        try cli.expectResumeMatches(base, root: root, removingStep: 12, files: ["generator.safetensors", "encoder.safetensors"])
        let sample = try cli.swiftgan(["sample", "--weights", root + "/whole/generator.safetensors", "--n", "4", "--png", root + "/s.png"])
        #expect(sample.status == 0, "sample failed: \(sample.error)")
        let evaluated = try cli.swiftgan(["eval", "--weights", root + "/whole/generator.safetensors", "--dataset", "mnist",
                                          "--data-dir", Fixtures.mnistDirectory, "--n", "100", "--json"])
        #expect(evaluated.status == 0 && evaluated.output.contains("\"fid\""), "eval failed: \(evaluated.error)")
        cli.expectOneLineError(try cli.swiftgan(base + ["--spectral-norm", "--out", root + "/sn"]), naming: "--spectral-norm")
        // The doctor's table is about a discriminator; it says so rather than misread loss_d = 0.
        cli.expectOneLineError(try cli.swiftgan(["doctor", root + "/whole"]), naming: "not adversarial")
    }
}
