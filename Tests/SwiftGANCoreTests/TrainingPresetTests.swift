import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

/// `--preset`: its settings lie over the family's defaults and under a config file and the
/// flags, it is recorded in config.json, and it is refused for models it was not tuned for.
struct TrainingPresetTests {
    static let quality = try! TrainingPreset.named("quality")

    /// The preset's value of `key` in `config` as JSON.
    static func value(_ key: String, in config: TrainingConfig) -> JSONValue? {
        config.allFields.first { $0.key == key }?.value(in: config)
    }

    @Test func presetSettingsLieBetweenDefaultsAndFlags() throws {
        let config = try TrainingConfig.resolve(file: nil, arguments: ["--model", "dcgan", "--preset", "quality"])
        try config.validate()
        #expect(config.preset == "quality")
        for (key, value) in Self.quality.settings { #expect(Self.value(key, in: config) == value, "\(key)") }
        // A flag wins wherever it stands.
        let flagged = try TrainingConfig.resolve(file: nil, arguments: ["--ema", "0.99", "--model", "dcgan", "--preset", "quality"])
        #expect(flagged.emaDecay == 0.99 && flagged.loss == config.loss)
        // Settings the preset does not name keep the family's defaults.
        #expect(config.loss == TrainingConfig().loss && config.steps == TrainingConfig().steps)
        #expect(config.batchSize == 128 && TrainingConfig().batchSize == 64)
    }

    @Test func aConfigFileOverridesThePresetWhicheverNamesIt() throws {
        let dir = try Fixtures.temporaryDirectory()
        // The file sets one of the preset's settings (the average's decay); the others stay the preset's.
        try #"{"model": "dcgan", "preset": "quality", "emaDecay": 0.5}"#.write(toFile: dir + "/a.json", atomically: true, encoding: .utf8)
        let inFile = try TrainingConfig.resolve(file: dir + "/a.json", arguments: [])
        #expect(inFile.preset == "quality" && inFile.emaDecay == 0.5)
        for (key, value) in Self.quality.settings where key != "emaDecay" { #expect(Self.value(key, in: inFile) == value, "\(key)") }
        try #"{"model": "dcgan", "emaDecay": 0.5}"#.write(toFile: dir + "/b.json", atomically: true, encoding: .utf8)
        let byFlag = try TrainingConfig.resolve(file: dir + "/b.json", arguments: ["--preset", "quality"])
        #expect(byFlag.preset == "quality" && byFlag.emaDecay == 0.5)
        for (key, value) in Self.quality.settings where key != "emaDecay" { #expect(Self.value(key, in: byFlag) == value, "\(key)") }
        // config.json keeps the name and the resolved values, so a resumed run sees both.
        let reloaded = try TrainingConfig.decode(byFlag.encoded())
        #expect(reloaded == byFlag)
    }

    @Test func badPresetsAreRefusedNamingTheFlag() throws {
        #expect(throws: ConfigError.self) { try TrainingConfig.resolve(file: nil, arguments: ["--model", "dcgan", "--preset", "fast"]) }
        let mlp = try TrainingConfig.resolve(file: nil, arguments: ["--model", "mlp", "--preset", "quality"])
        do {
            try mlp.validate()
            Issue.record("--preset quality with --model mlp was accepted")
        } catch let error as ConfigError {
            #expect(error.description.contains("--preset [preset] is tuned for --model dcgan, not mlp"), "\(error)")
        }
    }
}
