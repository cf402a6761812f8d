/// Settings from command-line words, through the same field list as JSON files.
extension TrainingConfig {
    /// Applies `--flag value`, `--flag=value` and (for switches) `--flag` words in order;
    /// `--model` is applied first, so that the model's own settings are known. A family's
    /// selecting switch (`--progressive`) stands for `--model` with its name.
    public mutating func apply(arguments: [String]) throws {
        var words: [(flag: String, value: String?)] = []
        var i = 0
        while i < arguments.count {
            let word = arguments[i]
            guard word.hasPrefix("--"), word.count > 2 else {
                throw ConfigError("unexpected argument '\(word)' (settings are given as --name value; see swiftgan train --help)")
            }
            let body = word.dropFirst(2)
            if let eq = body.firstIndex(of: "=") {
                words.append((String(body[..<eq]), String(body[body.index(after: eq)...])))
            } else {
                let flag = String(body)
                let isSwitch = allFields.first { $0.flag == flag }?.isSwitch
                    ?? ModelRegistry.families.flatMap(\.options).first { $0.flag == flag }?.isSwitch
                    ?? ModelRegistry.families.contains { $0.selectingSwitch == flag }
                if isSwitch {
                    words.append((flag, nil))
                } else {
                    guard i + 1 < arguments.count else { throw ConfigError("--\(flag) needs a value") }
                    words.append((flag, arguments[i + 1]))
                    i += 1
                }
            }
            i += 1
        }
        try replaceSelectingSwitches(&words)
        let previousModel = model
        for (flag, value) in words where flag == "model" { try Self.fields[0].set(text: value ?? "", in: &self) }
        _ = try ModelRegistry.family(named: model)
        if model != previousModel { try replaceFamilyDefaults(of: previousModel) }
        // A preset lies under the other flags: applied first, and only when it changes.
        if let name = words.last(where: { $0.flag == "preset" })?.value, name != preset {
            try TrainingPreset.named(name).apply(to: &self)
        }
        let fields = allFields
        for (flag, value) in words where flag != "model" {
            guard let field = fields.first(where: { $0.flag == flag }) else {
                let owners = ModelRegistry.families.filter { $0.options.contains { $0.flag == flag } }.map(\.name)
                throw ConfigError("unknown option '--\(flag)'" + (owners.isEmpty ? " (see swiftgan train --help)"
                    : " for model \(model) (it is a setting of --model \(owners.joined(separator: " and --model ")))"))
            }
            if field.isSwitch && value == nil {
                try field.set(.bool(true), in: &self)
            } else {
                try field.set(text: value ?? "", in: &self)
            }
        }
    }

    /// Turns a family's selecting switch into `--model` with its name, refusing a value or a
    /// `--model` that names another family.
    private func replaceSelectingSwitches(_ words: inout [(flag: String, value: String?)]) throws {
        for family in ModelRegistry.families {
            guard let flag = family.selectingSwitch, let index = words.firstIndex(where: { $0.flag == flag }) else { continue }
            guard words[index].value == nil || words[index].value == "true" else {
                throw ConfigError("--\(flag) takes no value (it stands for --model \(family.name))")
            }
            if let named = words.last(where: { $0.flag == "model" })?.value, named != family.name {
                throw ConfigError("--\(flag) trains --model \(family.name); it cannot be combined with --model \(named)")
            }
            words.removeAll { $0.flag == flag }
            words.append(("model", family.name))
        }
    }

    /// Two lines per field (the help wraps at 80 columns): the flag with its default, then
    /// the help and the JSON key.
    public static func helpText(for fields: [ConfigField], defaults: TrainingConfig) -> String {
        fields.map { field in
            let value = field.value(in: defaults)
            let flag = field.isSwitch ? "--\(field.flag)" : "--\(field.flag) <v>"
            return "  \(flag)\(value == .null || field.isSwitch ? "" : "  (default: \(value))")  [\(field.key)]\n      \(field.help)"
        }.joined(separator: "\n")
    }
}
