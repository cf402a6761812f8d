import SwiftGANEngine

extension Module {
    /// Parameters and buffers by their PyTorch `state_dict` names.
    public func stateDict() -> [String: Tensor] {
        Dictionary(uniqueKeysWithValues: namedParameters() + namedBuffers())
    }

    /// Copies values from `state` into the parameters, like `load_state_dict(strict=True)`.
    ///
    /// A state saved from a bare `nn.Sequential` (keys `0.weight`) loads into a model that
    /// wraps its layers in one child (keys `net.0.weight`): when the keys differ only by that
    /// one leading name, they are matched.
    public func loadStateDict(_ state: [String: Tensor], source: String = "state dict") throws {
        let own = namedParameters() + namedBuffers()
        let ownKeys = Set(own.map(\.0))
        var lookup = state
        if Set(state.keys) != ownKeys {
            let prefixes = Set(own.compactMap { $0.0.split(separator: ".", maxSplits: 1).first.map(String.init) })
            if prefixes.count == 1, let prefix = prefixes.first {
                let prefixed = Dictionary(uniqueKeysWithValues: state.map { ("\(prefix).\($0.key)", $0.value) })
                if Set(prefixed.keys) == ownKeys { lookup = prefixed }
            }
        }
        let missing = ownKeys.subtracting(lookup.keys).sorted()
        let unexpected = Set(lookup.keys).subtracting(ownKeys).sorted()
        guard missing.isEmpty && unexpected.isEmpty else {
            var problems: [String] = []
            if !missing.isEmpty { problems.append("missing keys \(missing.joined(separator: ", "))") }
            if !unexpected.isEmpty { problems.append("unexpected keys \(unexpected.joined(separator: ", "))") }
            throw SerializationError(path: source, problems.joined(separator: "; "))
        }
        for (name, parameter) in own {
            let value = lookup[name]!
            guard value.shape == parameter.shape else {
                throw SerializationError(path: source, "'\(name)' has shape \(value.shape), the model expects \(parameter.shape)")
            }
        }
        for (name, parameter) in own { parameter.assign(lookup[name]!) }
    }

    /// Saves parameters and buffers as safetensors with PyTorch's key names.
    public func save(to path: String, metadata: [String: String] = [:]) throws {
        let dtypes = Dictionary(uniqueKeysWithValues: integerBufferNames().map { ($0, Safetensors.DType.i64) })
        try Safetensors.write(stateDict(), to: path, metadata: metadata, dtypes: dtypes)
    }

    /// Loads parameters from a safetensors file (ours or one saved by `safetensors.torch`).
    public func load(from path: String) throws {
        try loadStateDict(Safetensors.read(path), source: path)
    }
}
