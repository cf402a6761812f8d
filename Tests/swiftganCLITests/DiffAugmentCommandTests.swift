import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

/// `swiftgan train --diffaugment` end to end.
@Suite(.serialized) struct DiffAugmentCommandTests {
    let cli = CLITests()

    func oneLine(_ text: String) -> Bool {
        text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").count == 1
    }

    /// The DCGAN and the cgan train a few steps with every policy; the run keeps the setting.
    @Test func trainsWithEveryPolicy() throws {
        let data = try Fixtures.temporaryDirectory()
        try TinyDataset.write(to: data, count: 48)
        for model in ["dcgan", "cgan"] {
            let run = try Fixtures.temporaryDirectory() + "/run"
            let train = try cli.swiftgan(["train", "--model", model, "--diffaugment", "translation,cutout,color", "--data-dir", data,
                                          "--steps", "3", "--batch", "8", "--sample-every", "3", "--out", run])
            #expect(train.status == 0, "train --model \(model) --diffaugment failed: \(train.error)")
            #expect(try TrainingConfig.load(run + "/config.json").diffAugment == "translation,cutout,color")
            #expect(FileManager.default.fileExists(atPath: run + "/generator.safetensors"))
        }
    }

    /// A misspelt policy, a repeated one and a model of points are one-line errors.
    @Test func badPoliciesAreOneLineErrors() throws {
        for (arguments, message) in [(["--diffaugment", "translation,cutuot"], "--diffaugment [diffAugment] has an unknown policy 'cutuot'"),
                                     (["--diffaugment", "color,color"], "--diffaugment [diffAugment] lists the policy 'color' twice"),
                                     (["--model", "toy", "--diffaugment", "color"], "model toy trains on 2-D points; --diffaugment augments images")] {
            let r = try cli.swiftgan(["train"] + arguments + ["--steps", "1", "--out", try Fixtures.temporaryDirectory() + "/r"])
            #expect(r.status != 0 && r.error.contains(message), "\(arguments): \(r.error)")
            #expect(!r.error.contains("Fatal error") && oneLine(r.error), "\(arguments): \(r.error)")
        }
    }
}
