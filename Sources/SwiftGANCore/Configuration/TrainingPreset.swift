/// A named set of settings (`--preset NAME`) that lies over the model's defaults: settings
/// resolve as the global defaults, the family's, the preset's, a `--config` file's, then the
/// flags, so any setting of a preset can still be changed.
public struct TrainingPreset: Sendable {
    public let name: String
    /// One line for `--help`.
    public let summary: String
    /// The models the preset was tuned and measured for.
    public let models: [String]
    /// Values by JSON key.
    public let settings: [String: JSONValue]

    /// The presets `--preset` knows.
    public static let all: [TrainingPreset] = [
        TrainingPreset(
            name: "quality",
            summary: "the DCGAN with a moving average of G (decay 0.99) for sampling, a minibatch standard-deviation layer in D against collapse, learning rates of 8e-4 for both (the defaults: D 2e-4, G 1e-4), which the average keeps steady, and batches of 128 (twice the default's images per step)",
            models: ["dcgan"],
            settings: ["emaDecay": .double(0.99), "minibatchStdDev": .bool(true), "learningRateD": .double(8e-4),
                       "learningRateG": .double(8e-4), "batchSize": .int(128)]),
    ]

    public static func named(_ name: String) throws -> TrainingPreset {
        guard let preset = all.first(where: { $0.name == name }) else {
            throw ConfigError("--preset [preset]: unknown preset '\(name)' (choose from \(all.map(\.name).joined(separator: ", ")))")
        }
        return preset
    }

    /// Sets the preset's values in `config` and records its name there.
    func apply(to config: inout TrainingConfig) throws {
        let fields = config.allFields
        for (key, value) in settings.sorted(by: { $0.key < $1.key }) {
            guard let field = fields.first(where: { $0.key == key }) else {
                preconditionFailure("preset \(name) sets unknown setting '\(key)'")
            }
            try field.set(value, in: &config)
        }
        config.preset = name
    }

    /// One line per preset, for `--help`.
    public static var help: String {
        all.map { "  \($0.name.padding(toLength: 11, withPad: " ", startingAt: 0)) for --model \($0.models.joined(separator: ", ")): \($0.summary)" }
            .joined(separator: "\n")
    }
}
