import Foundation
import Yams

/// Reads a YAML configuration file (`.yaml`, `.yml`) as the same flat object of settings a
/// JSON one holds: a mapping of keys to scalars, typed by YAML's core schema (`5` an integer,
/// `2e-4` a number, `true` a boolean, `~` or `null` none, anything else or quoted a string).
enum YAMLSettings {
    static func object(_ text: String) throws -> [String: JSONValue] {
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            // Yams's messages quote the offending line below the first; keep the first.
            let first = "\(error)".split(separator: "\n").first.map(String.init) ?? "\(error)"
            throw ConfigError("not valid YAML (\(first))")
        }
        guard let root else { return [:] }
        guard case .mapping(let mapping) = root else { throw ConfigError("not a YAML mapping of settings (key: value lines)") }
        var object: [String: JSONValue] = [:]
        for (keyNode, valueNode) in mapping {
            guard case .scalar(let key) = keyNode else { throw ConfigError("a key is not a plain name") }
            guard object[key.string] == nil else { throw ConfigError("field '\(key.string)' is given twice") }
            object[key.string] = try value(valueNode, key: key.string)
        }
        return object
    }

    private static func value(_ node: Node, key: String) throws -> JSONValue {
        guard case .scalar(let scalar) = node else {
            throw ConfigError("field '\(key)' must be a number, string, boolean or null, not a list or mapping")
        }
        switch Tag.Name(rawValue: node.tag.rawValue) {
        case .null: return .null
        case .bool: if let b = node.bool { return .bool(b) }
        case .int: if let i = node.int { return .int(i) }
        case .float: if let d = node.float { return .double(d) }
        default: break
        }
        return .string(scalar.string)
    }
}
