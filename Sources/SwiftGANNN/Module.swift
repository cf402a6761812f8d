import SwiftGANEngine

/// The base of every layer and model: it finds its parameters and child modules by reflection
/// and names them the way PyTorch's `state_dict` does (`net.0.weight`).
///
/// Declare parameters as `Tensor` properties (created with `requiresGrad: true`) and children as
/// `Module` properties or arrays of modules:
///
/// ```swift
/// final class Generator: Module, UnaryLayer {
///     let net = Sequential(Linear(64, 256), ReLU(), Linear(256, 784), Tanh())
///     func callAsFunction(_ z: Tensor) -> Tensor { net(z) }
/// }
/// generator.namedParameters().map(\.0)  // ["net.0.weight", "net.0.bias", "net.2.weight", ...]
/// ```
open class Module {
    /// Whether the module is in training mode (`train()`) or evaluation mode (`eval()`).
    public private(set) var training = true

    public init() {}

    /// The direct children with their names. Properties holding a module are named by the
    /// property; arrays of modules by property and index. Override to name children otherwise
    /// (`Sequential` names them by index alone).
    open func namedChildren() -> [(String, Module)] {
        reflectedProperties().flatMap { label, value -> [(String, Module)] in
            if let module = value as? Module { return [(label, module)] }
            if let modules = value as? [Module] {
                return modules.enumerated().map { ("\(label).\($0.offset)", $0.element) }
            }
            return []
        }
    }

    /// This module's own parameters (not its children's): tensor properties that require grad.
    open func ownParameters() -> [(String, Tensor)] {
        reflectedProperties().compactMap { label, value in
            guard let tensor = value as? Tensor, tensor.requiresGrad else { return nil }
            return (label, tensor)
        }
    }

    /// This module's own buffers: state that is saved but not trained (batch norm's running
    /// statistics), with PyTorch's names. Override to declare them.
    open func ownBuffers() -> [(String, Tensor)] { [] }

    /// Every buffer in this module and below, named with dotted paths.
    public func namedBuffers() -> [(String, Tensor)] {
        ownBuffers() + namedChildren().flatMap { name, child in
            child.namedBuffers().map { ("\(name).\($0.0)", $0.1) }
        }
    }

    /// Names of state entries stored as 64-bit integers in checkpoints (PyTorch keeps
    /// `num_batches_tracked` as int64), with dotted paths.
    open func ownIntegerBuffers() -> Set<String> { [] }

    public func integerBufferNames() -> Set<String> {
        ownIntegerBuffers().union(namedChildren().flatMap { name, child in
            child.integerBufferNames().map { "\(name).\($0)" }
        })
    }

    /// Every parameter in this module and below, named with dotted paths, in declaration order.
    public func namedParameters() -> [(String, Tensor)] {
        ownParameters() + namedChildren().flatMap { name, child in
            child.namedParameters().map { ("\(name).\($0.0)", $0.1) }
        }
    }

    /// Every parameter, in the order of `namedParameters()`.
    public func parameters() -> [Tensor] { namedParameters().map(\.1) }

    /// The total number of parameter values.
    public var parameterCount: Int { parameters().reduce(0) { $0 + $1.count } }

    /// Puts this module and all below it in training mode.
    public func train(_ on: Bool = true) {
        training = on
        for (_, child) in namedChildren() { child.train(on) }
    }

    /// Puts this module and all below it in evaluation mode.
    public func eval() { train(false) }

    /// Clears `grad` of every parameter.
    public func zeroGrad() { for p in parameters() { p.grad = nil } }

    /// Stored properties of this class and its superclasses, with optionals unwrapped.
    private func reflectedProperties() -> [(String, Any)] {
        var result: [(String, Any)] = []
        var mirror: Mirror? = Mirror(reflecting: self)
        var levels: [Mirror] = []
        while let m = mirror { levels.append(m); mirror = m.superclassMirror }
        for m in levels.reversed() {
            for child in m.children {
                guard let label = child.label else { continue }
                let unwrapped = Mirror(reflecting: child.value)
                if unwrapped.displayStyle == .optional {
                    if let some = unwrapped.children.first { result.append((label, some.value)) }
                } else {
                    result.append((label, child.value))
                }
            }
        }
        return result
    }
}

/// A module that maps one tensor to one tensor.
public protocol UnaryLayer: Module {
    func callAsFunction(_ x: Tensor) -> Tensor
}
