import SwiftGANEngine

/// Updates a fixed list of parameters in place from their gradients.
///
/// Create it over a model's parameters, then call `update(_:)` with the gradients in the same
/// order (the output of `valueAndGrad`), or `step()` to use each parameter's `grad`:
///
/// ```swift
/// let optimizer = Adam(parameters: generator.parameters(), learningRate: 1e-4, betas: (0.5, 0.999))
/// let (loss, grads) = valueAndGrad(generator) { generatorLoss() }
/// optimizer.update(grads)
/// ```
public protocol Optimizer: AnyObject {
    var parameters: [Tensor] { get }
    var learningRate: Float { get set }
    /// Applies one update with `gradients[i]` for `parameters[i]`.
    func update(_ gradients: [Tensor])
    /// The optimizer's state as named tensors (PyTorch's names: `exp_avg`, `exp_avg_sq`, …,
    /// prefixed with the parameter's index), for checkpoints.
    func stateTensors() -> [String: Tensor]
    /// Restores state saved by `stateTensors()`.
    func loadStateTensors(_ state: [String: Tensor]) throws
}

extension Optimizer {
    /// One update from each parameter's accumulated `grad` (parameters without one are skipped),
    /// like `torch.optim.Optimizer.step`.
    public func step() {
        let pairs = parameters.map { ($0, $0.grad ?? Tensor.zeros($0.shape)) }
        update(pairs.map(\.1))
    }

    /// Clears every parameter's `grad`.
    public func zeroGrad() { for p in parameters { p.grad = nil } }

    /// Checks the gradients against the parameters and, in data-parallel training, replaces
    /// them in place by their average over all processes. Every update starts with it.
    func prepareGradients(_ gradients: [Tensor]) {
        precondition(gradients.count == parameters.count,
                     "\(gradients.count) gradients for \(parameters.count) parameters")
        for (p, g) in zip(parameters, gradients) {
            precondition(p.shape == g.shape, "gradient shape \(g.shape) for parameter of shape \(p.shape)")
        }
        GradientSynchronization.averageInPlace?(gradients)
    }
}

/// How data-parallel training averages gradients across processes: `DataParallel` (in
/// SwiftGANCore) installs the function when the process was started by mpirun; nil, nothing
/// happens. It replaces the values of the given tensors in place.
public enum GradientSynchronization {
    nonisolated(unsafe) public static var averageInPlace: (([Tensor]) -> Void)?
}

/// Why optimizer state could not be restored.
public struct OptimizerStateError: Error, CustomStringConvertible {
    public let description: String
}

/// Per-parameter state buffers, allocated on first use, saved and restored by name.
final class SlotStore {
    private(set) var slots: [[Tensor]]
    let names: [String]

    init(parameters: [Tensor], names: [String]) {
        self.names = names
        slots = parameters.map { p in names.map { _ in Tensor.zeros(p.shape) } }
    }

    func tensors(step: Int) -> [String: Tensor] {
        var out: [String: Tensor] = [:]
        for (i, row) in slots.enumerated() {
            for (name, t) in zip(names, row) { out["\(i).\(name)"] = t }
            out["\(i).step"] = Tensor(scalar: Float(step))
        }
        return out
    }

    /// Loads the slots and returns the saved step.
    func load(_ state: [String: Tensor]) throws -> Int {
        var step = 0
        for (i, row) in slots.enumerated() {
            for (name, t) in zip(names, row) {
                guard let saved = state["\(i).\(name)"], saved.shape == t.shape else {
                    throw OptimizerStateError(description: "optimizer state \(i).\(name) is missing or has the wrong shape")
                }
                t.assign(saved)
            }
            if let s = state["\(i).step"] { step = Int(s.item) }
        }
        return step
    }
}
