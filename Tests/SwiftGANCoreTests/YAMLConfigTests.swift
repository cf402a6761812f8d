import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

/// YAML configuration files: the same keys, types and checks as JSON ones.
@Suite struct YAMLConfigTests {
    func load(_ text: String, extension ext: String = "yaml") throws -> TrainingConfig {
        let path = try Fixtures.temporaryDirectory() + "/run.\(ext)"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return try TrainingConfig.load(path)
    }

    @Test func equalsTheJSONConfigWithTheSameKeys() throws {
        let yaml = try load("""
            # a comment
            model: dcgan
            loss: hinge
            steps: 7
            learningRateD: 4e-4
            spectralNorm: true
            emaDecay: ~
            diffAugment: "translation,cutout"
            seed: 12
            """, extension: "yml")
        let json = try TrainingConfig.decode(Data(#"""
            {"model": "dcgan", "loss": "hinge", "steps": 7, "learningRateD": 4e-4, "spectralNorm": true,
             "emaDecay": null, "diffAugment": "translation,cutout", "seed": 12}
            """#.utf8))
        #expect(yaml == json)
        #expect(yaml.learningRateD == 4e-4 && yaml.batchSize == 64 && yaml.emaDecay == nil)
        // A family's own options, with the family's defaults beneath.
        let pix = try load("model: pix2pix\nlambdaL1: 50\n")
        #expect(pix.option("lambdaL1", as: Float.self) == 50)
        #expect(try load("") == TrainingConfig.decode(Data("{}".utf8)))
    }

    @Test(arguments: [
        ("stpes: 7", "unknown field 'stpes'"),
        ("steps: many", "field 'steps' must be an integer, got 'many'"),
        ("steps: \"7\"", "field 'steps' must be an integer"),
        ("steps: [1, 2]", "field 'steps' must be a number, string, boolean or null, not a list or mapping"),
        ("spectralNorm: {a: 1}", "field 'spectralNorm' must be a number"),
        ("learningRateG: .inf", "field 'learningRateG' must be a finite float32 number"),
        ("learningRateG: .nan", "field 'learningRateG' must be a finite float32 number"),
        ("steps: 1\nsteps: 2", "duplicated key"),
        ("- steps\n- 2", "not a YAML mapping of settings"),
        ("steps: [1,", "not valid YAML"),
    ])
    func rejectsBadFilesNamingTheFileAndField(_ text: String, _ message: String) throws {
        let error = #expect(throws: ConfigError.self) { try load(text) }
        #expect(error?.description.hasSuffix(".yaml: " + (error?.description.components(separatedBy: ".yaml: ").last ?? "")) == true)
        #expect(error?.description.contains(message) == true, "\(error?.description ?? "")")
        #expect(error?.description.contains("\n") == false)
    }

    /// Values a file can type correctly but that cannot train are refused by the same checks
    /// as flags, naming the flag and the key.
    @Test(arguments: [
        ("steps: 0", "--steps [steps] must be positive"),
        ("discriminatorSteps: 0", "--d-steps [discriminatorSteps] must be positive"),
        ("learningRateD: 0", "--lr-d [learningRateD] must be positive"),
        ("learningRateG: -1e-4", "--lr-g [learningRateG] must be positive"),
        ("batchSize: 0", "--batch [batchSize] must be in"),
    ])
    func outOfRangeValuesFailValidation(_ text: String, _ message: String) throws {
        let config = try load(text)
        let error = #expect(throws: ConfigError.self) { try config.validate() }
        #expect(error?.description.hasPrefix(message) == true, "\(error?.description ?? "")")
    }
}
