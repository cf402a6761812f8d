import Foundation

/// A model family's own defaults for common settings (`ModelFamily.defaults`): settings resolve
/// as the global defaults, then the family's, then a `--config` file, then the flags.
extension TrainingConfig {
    /// Where a run of `model` starts: the global defaults with its family's over them.
    ///
    /// ```swift
    /// let config = try TrainingConfig.defaults(for: "biggan")   // loss hinge, lr-g 5e-5, beta1 0
    /// ```
    public static func defaults(for model: String) throws -> TrainingConfig {
        var config = TrainingConfig()
        config.model = model
        try config.applyFamilyDefaults()
        return config
    }

    /// Settings from a config file (or none) and command-line words, as `swiftgan train` resolves
    /// them: the model the flags name (else the file's) picks the family defaults the file and
    /// the flags then override.
    public static func resolve(file: String?, arguments: [String]) throws -> TrainingConfig {
        let flagModel = modelFlag(in: arguments)
        var config = try file.map { try load($0, model: flagModel, preset: lastValue(of: "preset", in: arguments)) }
            ?? defaults(for: flagModel ?? TrainingConfig().model)
        try config.apply(arguments: arguments)
        return config
    }

    /// The value of the last `--flag value` or `--flag=value` among command-line words.
    static func lastValue(of flag: String, in arguments: [String]) -> String? {
        var found: String?
        for (i, word) in arguments.enumerated() {
            if word == "--" + flag, i + 1 < arguments.count { found = arguments[i + 1] }
            if word.hasPrefix("--\(flag)=") { found = String(word.dropFirst(flag.count + 3)) }
        }
        return found
    }

    /// The last `--model` among command-line words, if any, or the family a selecting switch
    /// (`--progressive`) names.
    static func modelFlag(in arguments: [String]) -> String? {
        let found = lastValue(of: "model", in: arguments)
        let selected = ModelRegistry.families.first { family in family.selectingSwitch.map { arguments.contains("--" + $0) } ?? false }
        return found ?? selected?.name
    }

    /// Sets the settings this configuration's family declares defaults for (an unknown model
    /// is an error that lists the models).
    mutating func applyFamilyDefaults() throws {
        let family = try ModelRegistry.family(named: model)
        let fields = allFields
        for (key, value) in family.defaults.sorted(by: { $0.key < $1.key }) {
            guard let field = fields.first(where: { $0.key == key }) else {
                preconditionFailure("model \(family.name) declares a default for unknown setting '\(key)'")
            }
            try field.set(value, in: &self)
        }
    }

    /// After the model changed from `previous`: every common setting still at `previous`'s
    /// default takes the new model's default, and so do the new family's options.
    mutating func replaceFamilyDefaults(of previous: String) throws {
        let old = (try? Self.defaults(for: previous)) ?? TrainingConfig()
        let new = try Self.defaults(for: model)
        for field in Self.fields where field.key != "model" && field.value(in: self) == field.value(in: old) {
            try field.set(field.value(in: new), in: &self)
        }
        // The new family's defaults for its own options, unless one was set to something else;
        // the old family's options still at their defaults go (the new family has no such setting).
        for (key, value) in new.options where options[key] == old.options[key] { options[key] = value }
        let declared = Set(try ModelRegistry.family(named: model).options.map(\.key))
        for key in Array(options.keys) where !declared.contains(key) && options[key] == old.options[key] { options[key] = nil }
    }

    /// The configuration with a relative `dataDirectory` made absolute (from the current
    /// directory), so a run finds its data again from anywhere.
    public func withAbsoluteDataDirectory() -> TrainingConfig {
        var config = self
        if let dir = dataDirectory, !dir.hasPrefix("/") { config.dataDirectory = URL(fileURLWithPath: dir).standardizedFileURL.path }
        return config
    }

    /// One line for `train --help`: the family's defaults as flags.
    public static func familyDefaultsHelp(_ family: ModelFamily) -> String? {
        guard !family.defaults.isEmpty else { return nil }
        let flags = family.defaults.keys.sorted().map { key in
            "--\((fields + family.options).first { $0.key == key }?.flag ?? key) \(family.defaults[key]!)"
        }
        return "  defaults over the ones above (a --config file and flags override them): " + flags.joined(separator: ", ")
    }
}
