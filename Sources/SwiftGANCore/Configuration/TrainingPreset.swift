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
            summary: "the DCGAN with what the practice lab shows works: hinge loss, spectral norm in D, equal learning rates, and a moving average of G (Benchmarks/RESULTS.md compares it with the plain DCGAN)",
            models: ["dcgan"],
            settings: ["loss": .string(GANLoss.hinge.rawValue), "spectralNorm": .bool(true), "learningRateD": .double(2e-4),
                       "learningRateG": .double(2e-4), "emaDecay": .double(0.999)]),
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
