import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

/// `swiftgan train --preset quality` end to end: the run's config.json holds the preset and its
/// settings, a flag still overrides one; a model the preset was not tuned for, or a preset
/// changed on --resume, is one line.
@Suite(.serialized) struct PresetCommandTests {
    let cli = CLITests()

    @Test func theQualityPresetTrainsTheDCGAN() throws {
        let root = try Fixtures.temporaryDirectory()
        let run = try cli.swiftgan(["train", "--model", "dcgan", "--preset", "quality", "--ema", "0.99", "--dataset", "mnist",
                                    "--data-dir", Fixtures.mnistDirectory, "--steps", "3", "--batch", "8", "--out", root + "/q"])
        #expect(run.status == 0, "train failed: \(run.error)")
        let config = try TrainingConfig.load(root + "/q/config.json")
        let preset = try TrainingPreset.named("quality")
        // The flags (--ema, --batch) win over the preset's values; the rest are the preset's.
        #expect(config.preset == "quality" && config.emaDecay == 0.99 && config.batchSize == 8)
        for (key, value) in preset.settings where key != "emaDecay" && key != "batchSize" {
            #expect(config.allFields.first { $0.key == key }?.value(in: config) == value, "\(key)")
        }
        #expect(FileManager.default.fileExists(atPath: root + "/q/generator_ema.safetensors"))
        // A preset cannot change on --resume: a run started without one refuses it.
        let plain = try cli.swiftgan(["train", "--model", "dcgan", "--dataset", "mnist", "--data-dir", Fixtures.mnistDirectory, "--steps", "2",
                                      "--batch", "8", "--out", root + "/p"])
        #expect(plain.status == 0, "train failed: \(plain.error)")
        cli.expectOneLineError(try cli.swiftgan(["train", "--resume", root + "/p", "--preset", "quality", "--steps", "3"]), naming: "--preset")
        let help = try cli.swiftgan(["train", "--help"])
        #expect(help.output.contains("PRESETS (--preset):") && help.output.contains("quality"))
        cli.expectOneLineError(try cli.swiftgan(["train", "--model", "mlp", "--preset", "quality", "--steps", "1", "--out", root + "/m"]),
                               naming: "--preset")
        cli.expectOneLineError(try cli.swiftgan(["train", "--model", "dcgan", "--preset", "best", "--steps", "1", "--out", root + "/b"]),
                               naming: "unknown preset 'best'")
    }
}
