/// The backward rule of one recorded operation: from the gradient of its output (and the output
/// itself, for rules such as tanh's that are cheaper in terms of it) it returns the gradient of
/// each input that `needs` marks, and nil for the others.
///
/// Rules are written with tensor operations, so when a backward pass records (`createGraph`),
/// the gradients it returns are differentiable again.
public typealias BackwardRule = (_ gradient: Tensor, _ output: Tensor, _ needs: [Bool]) -> [Tensor?]

/// A recorded operation: its inputs and its backward rule.
final class GradNode {
    let name: String
    let inputs: [Tensor]
    let rule: BackwardRule

    init(name: String, inputs: [Tensor], rule: @escaping BackwardRule) {
        self.name = name
        self.inputs = inputs
        self.rule = rule
    }
}

extension Tensor {
    /// Attaches an operation to `output` when recording is on and any input is tracked.
    /// Every differentiable op ends with this call; `detail` is evaluated only while an
    /// `OpTrace` captures.
    @discardableResult
    public static func record(_ output: Tensor, op name: String, inputs: [Tensor], detail: @autoclosure () -> OpDetail = .none,
                              rule: @escaping BackwardRule) -> Tensor {
        if let trace = OpTrace.active { trace.note(output, op: name, inputs: inputs, detail: detail) }
        if GradMode.isEnabled, inputs.contains(where: { $0.isTracked }) {
            output.node = GradNode(name: name, inputs: inputs, rule: rule)
        }
        return output
    }

    /// The name of the operation that made this tensor, if it was recorded.
    public var operationName: String? { node?.name }
}

/// Tensors reachable from `root` through recorded operations, each after all of its inputs.
private func topologicalOrder(from root: Tensor) -> [Tensor] {
    var order: [Tensor] = []
    var visited = Set<ObjectIdentifier>()
    var stack: [(Tensor, Int)] = [(root, 0)]
    visited.insert(ObjectIdentifier(root))
    while let (tensor, next) = stack.popLast() {
        let inputs = tensor.node?.inputs ?? []
        if next < inputs.count {
            stack.append((tensor, next + 1))
            let input = inputs[next]
            if input.isTracked, visited.insert(ObjectIdentifier(input)).inserted {
                stack.append((input, 0))
            }
        } else {
            order.append(tensor)
        }
    }
    return order
}

/// Runs the backward pass from `output` and returns the gradients reaching `targets`.
/// Only operations on a path from a target to `output` run their backward rules, and a rule is
/// asked only for the inputs on such a path.
private func backpropagate(from output: Tensor, seed: Tensor, to targets: [Tensor],
                           createGraph: Bool) -> [ObjectIdentifier: Tensor] {
    let targetIDs = Set(targets.map(ObjectIdentifier.init))
    let order = topologicalOrder(from: output)
    var needed = Set<ObjectIdentifier>()
    for tensor in order {
        let id = ObjectIdentifier(tensor)
        if targetIDs.contains(id) || (tensor.node?.inputs.contains { needed.contains(ObjectIdentifier($0)) } ?? false) {
            needed.insert(id)
        }
    }
    var grads: [ObjectIdentifier: Tensor] = [ObjectIdentifier(output): seed]
    var results: [ObjectIdentifier: Tensor] = [:]
    GradMode.with(enabled: createGraph) {
        for tensor in order.reversed() {
            let id = ObjectIdentifier(tensor)
            guard needed.contains(id), let gradient = grads.removeValue(forKey: id) else { continue }
            if targetIDs.contains(id) { results[id] = gradient }
            guard let node = tensor.node else { continue }
            let needs = node.inputs.map { needed.contains(ObjectIdentifier($0)) }
            guard needs.contains(true) else { continue }
            let inputGrads = node.rule(gradient, tensor, needs)
            for (index, input) in node.inputs.enumerated() where needs[index] {
                guard let g = inputGrads[index] else { continue }
                precondition(g.shape == input.shape,
                             "\(node.name) backward gave shape \(g.shape) for input of shape \(input.shape)")
                let key = ObjectIdentifier(input)
                grads[key] = grads[key].map { $0 + g } ?? g
            }
        }
    }
    return results
}

/// The gradients of `output` with respect to each of `inputs`, like `torch.autograd.grad`.
///
/// - Parameters:
///   - gradOutput: the gradient flowing into `output`; ones when omitted (then `output` is
///     usually a scalar loss).
///   - createGraph: record the backward pass, so the returned gradients can be differentiated
///     again (gradient penalties, R1).
/// - Returns: one gradient per input, zeros for an input that `output` does not depend on.
public func grad(of output: Tensor, wrt inputs: [Tensor], gradOutput: Tensor? = nil,
                 createGraph: Bool = false) -> [Tensor] {
    let seed = gradOutput ?? Tensor.ones(output.shape)
    precondition(seed.shape == output.shape, "gradOutput shape \(seed.shape) differs from \(output.shape)")
    let results = backpropagate(from: output, seed: seed, to: inputs, createGraph: createGraph)
    return inputs.map { results[ObjectIdentifier($0)] ?? Tensor.zeros($0.shape) }
}

extension Tensor {
    /// Accumulates the gradient of this tensor into `grad` of every leaf that requires it,
    /// like `torch.Tensor.backward`.
    public func backward(gradient: Tensor? = nil, createGraph: Bool = false) {
        let leaves = topologicalOrder(from: self).filter { $0.requiresGrad && $0.node == nil }
        let seed = gradient ?? Tensor.ones(shape)
        let results = backpropagate(from: self, seed: seed, to: leaves, createGraph: createGraph)
        for leaf in leaves {
            guard let g = results[ObjectIdentifier(leaf)] else { continue }
            leaf.grad = leaf.grad.map { $0 + g } ?? g
        }
    }
}
