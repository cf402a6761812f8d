import Foundation

/// A JSON scalar, as configuration files and flags hold them.
public enum JSONValue: Codable, Equatable, Sendable, CustomStringConvertible {
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case null

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int.self) { self = .int(i) }
        else if let d = try? c.decode(Double.self) { self = .double(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else { throw ConfigError("expected a number, string, boolean or null") }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .bool(let b): try c.encode(b)
        case .int(let i): try c.encode(i)
        case .double(let d): try c.encode(d)
        case .string(let s): try c.encode(s)
        case .null: try c.encodeNil()
        }
    }

    public var description: String {
        switch self {
        case .bool(let b): "\(b)"
        case .int(let i): "\(i)"
        case .double(let d): d == d.rounded() && abs(d) < 1e15 ? String(format: "%g", d) : "\(d)"
        case .string(let s): s
        case .null: "none"
        }
    }
}

/// A type a configuration field can hold: converts from and to JSON and from flag text.
public protocol ConfigScalar: Equatable {
    /// What the value is, for error messages ("an integer").
    static var expected: String { get }
    init?(json: JSONValue)
    var json: JSONValue { get }
}

extension Int: ConfigScalar {
    public static var expected: String { "an integer" }
    public init?(json: JSONValue) {
        guard case .int(let i) = json else { return nil }
        self = i
    }
    public var json: JSONValue { .int(self) }
}

extension UInt64: ConfigScalar {
    public static var expected: String { "a non-negative integer" }
    public init?(json: JSONValue) {
        guard case .int(let i) = json, i >= 0 else { return nil }
        self = UInt64(i)
    }
    public var json: JSONValue { .int(Int(truncatingIfNeeded: self)) }
}

extension Float: ConfigScalar {
    public static var expected: String { "a finite float32 number" }
    public init?(json: JSONValue) {
        switch json {
        case .int(let i): self = Float(i)
        // Finite in float32, and not a non-zero value that float32 would round to 0.
        case .double(let d) where d.isFinite && abs(d) <= Double(Float.greatestFiniteMagnitude) && (d == 0 || Float(d) != 0):
            self = Float(d)
        default: return nil
        }
    }
    /// The shortest decimal that reads back as this Float (0.0002, not 0.000199999994…).
    public var json: JSONValue { .double(Double("\(self)") ?? Double(self)) }
}

extension Bool: ConfigScalar {
    public static var expected: String { "true or false" }
    public init?(json: JSONValue) {
        guard case .bool(let b) = json else { return nil }
        self = b
    }
    public var json: JSONValue { .bool(self) }
}

extension String: ConfigScalar {
    public static var expected: String { "a string" }
    public init?(json: JSONValue) {
        guard case .string(let s) = json else { return nil }
        self = s
    }
    public var json: JSONValue { .string(self) }
}

extension Optional: ConfigScalar where Wrapped: ConfigScalar {
    public static var expected: String { "\(Wrapped.expected) or null" }
    public init?(json: JSONValue) {
        if json == .null { self = .none; return }
        guard let v = Wrapped(json: json) else { return nil }
        self = .some(v)
    }
    public var json: JSONValue { map(\.json) ?? .null }
}

extension ConfigScalar where Self: RawRepresentable & CaseIterable, RawValue == String {
    public static var expected: String { "one of " + allCases.map(\.rawValue).joined(separator: ", ") }
    public init?(json: JSONValue) {
        guard case .string(let s) = json, let v = Self(rawValue: s) else { return nil }
        self = v
    }
    public var json: JSONValue { .string(rawValue) }
}

/// One setting of a training run, declared once: its JSON key, its command-line flag, its help
/// and where it is stored. The JSON reader and writer, the command line and `--help` all work
/// from the list of fields, so adding a setting is one line in that list (and its storage).
public struct ConfigField: @unchecked Sendable {
    /// The key in JSON configuration files and `config.json`.
    public let key: String
    /// The command-line flag, without the leading dashes.
    public let flag: String
    public let help: String
    /// Whether the flag takes no value (a Bool switched on by its presence).
    public let isSwitch: Bool
    /// What a value must be, for messages.
    public let expected: String
    let read: (TrainingConfig) -> JSONValue
    let write: (inout TrainingConfig, JSONValue) -> Bool

    /// A field stored in a property of `TrainingConfig`.
    public init<T: ConfigScalar>(_ key: String, _ path: WritableKeyPath<TrainingConfig, T>, flag: String? = nil, help: String) {
        self.key = key
        self.flag = flag ?? ConfigField.kebab(key)
        self.help = help
        isSwitch = T.self == Bool.self
        expected = T.expected
        read = { $0[keyPath: path].json }
        write = { config, value in
            guard let v = T(json: value) else { return false }
            config[keyPath: path] = v
            return true
        }
    }

    /// A recipe's own option, stored in `TrainingConfig.options` under `key`.
    public init<T: ConfigScalar>(option key: String, default value: T, flag: String? = nil, help: String) {
        self.key = key
        self.flag = flag ?? ConfigField.kebab(key)
        self.help = help
        isSwitch = T.self == Bool.self
        expected = T.expected
        read = { config in config.options[key] ?? value.json }
        write = { config, json in
            guard let v = T(json: json) else { return false }
            config.options[key] = v.json
            return true
        }
    }

    /// The field's value in `config`.
    public func value(in config: TrainingConfig) -> JSONValue { read(config) }

    /// Sets the field from JSON, or throws a message that names it.
    public func set(_ value: JSONValue, in config: inout TrainingConfig) throws {
        guard write(&config, value) else {
            throw ConfigError("field '\(key)' must be \(expected), got \(value == .null ? "null" : "'\(value)'")")
        }
    }

    /// Sets the field from flag text, or throws a message that names the flag.
    public func set(text: String, in config: inout TrainingConfig) throws {
        let data = Data(text.utf8)
        let parsed = (try? JSONDecoder().decode(JSONValue.self, from: data)).flatMap { v -> JSONValue? in
            var probe = config
            return write(&probe, v) ? v : nil
        } ?? .string(text)
        guard write(&config, parsed) else { throw ConfigError("--\(flag) must be \(expected), got '\(text)'") }
    }

    static func kebab(_ camel: String) -> String {
        var out = ""
        for c in camel {
            if c.isUppercase { out += "-" + c.lowercased() } else { out.append(c) }
        }
        return out
    }
}

/// A configuration value that cannot be used.
public struct ConfigError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
