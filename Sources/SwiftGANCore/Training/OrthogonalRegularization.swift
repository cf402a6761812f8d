import SwiftGANEngine
import SwiftGANNN

/// BigGAN's orthogonal regularization of a generator (Brock et al. 2019, §3.1): for each weight
/// W of two or more dimensions, viewed as [shape[0], -1], the penalty
/// (β/2)·‖(W Wᵀ) ⊙ (1 − I)‖²_F pushes the rows towards orthogonality without fixing their norms.
/// Like BigGAN's code it is applied as a gradient, β·2·((W Wᵀ) ⊙ (1 − I))·W added to W's before
/// the optimizer step, so it costs no graph. Spectrally normalized layers are regularized through
/// their `weight_orig`; embedding tables (class embeddings, BigGAN's shared one) are left alone,
/// as BigGAN leaves its shared embedding.
///
/// ```swift
/// var (loss, grads) = valueAndGrad(optimizerG.parameters) { ... }
/// OrthogonalRegularization(strength: 1e-4).addGradients(&grads, of: generator)
/// optimizerG.update(grads)
/// ```
public struct OrthogonalRegularization: Sendable {
    /// β; 0 changes nothing.
    public let strength: Float

    public init(strength: Float) { self.strength = strength }

    /// Adds the penalty's gradient to `grads[i]` for every `parameters[i]` of rank ≥ 2 whose name
    /// (`names[i]`) is not in `excluded`. With β = 0 the gradients are left exactly as they are.
    public func addGradients(_ grads: inout [Tensor], parameters: [Tensor], names: [String], excluding excluded: Set<String> = []) {
        precondition(grads.count == parameters.count && names.count == parameters.count,
                     "\(grads.count) gradients, \(parameters.count) parameters and \(names.count) names")
        guard strength != 0 else { return }
        withNoGrad {
            for (i, (name, w)) in zip(names, parameters).enumerated() where w.rank >= 2 && !excluded.contains(name) {
                grads[i] = grads[i] + Self.gradient(of: w).reshaped(w.shape) * (2 * strength)
            }
        }
    }

    /// Adds the penalty's gradient for `model`'s parameters to `grads`, which are in the order of
    /// `model.parameters()`; its embedding tables are excluded.
    public func addGradients(_ grads: inout [Tensor], of model: Module) {
        guard strength != 0 else { return }
        let named = model.namedParameters()
        addGradients(&grads, parameters: named.map(\.1), names: named.map(\.0), excluding: Self.embeddingParameterNames(in: model))
    }

    /// `grads` (in the order of `model.parameters()`) with the penalty's gradient added.
    public func adding(to grads: [Tensor], of model: Module) -> [Tensor] {
        var result = grads
        addGradients(&result, of: model)
        return result
    }

    /// The penalty (β/2)·Σ_W ‖(W Wᵀ) ⊙ (1 − I)‖²_F over `model`'s regularized weights, in double
    /// precision (what the added gradients are the gradient of).
    public func penalty(of model: Module) -> Double {
        let excluded = Self.embeddingParameterNames(in: model)
        var total = 0.0
        for (name, w) in model.namedParameters() where w.rank >= 2 && !excluded.contains(name) {
            let gram = withNoGrad { Self.offDiagonalGram(Self.rows(w)) }
            total += gram.withUnsafeBufferPointer { $0.reduce(0.0) { $0 + Double($1) * Double($1) } }
        }
        return Double(strength) / 2 * total
    }

    /// The names of the parameters of every `Embedding` in `module` (dotted paths).
    public static func embeddingParameterNames(in module: Module, prefix: String = "") -> Set<String> {
        if module is Embedding { return Set(module.namedParameters().map { prefix + $0.0 }) }
        return module.namedChildren().reduce(into: Set<String>()) { names, child in
            names.formUnion(embeddingParameterNames(in: child.1, prefix: prefix + child.0 + "."))
        }
    }

    /// W viewed as [shape[0], -1].
    static func rows(_ w: Tensor) -> Tensor { w.reshaped([w.shape[0], -1]) }

    /// (W Wᵀ) ⊙ (1 − I) for W [m, k].
    static func offDiagonalGram(_ w: Tensor) -> Tensor {
        let m = w.shape[0]
        var offDiagonal = [Float](repeating: 1, count: m * m)
        for i in 0..<m { offDiagonal[i * m + i] = 0 }
        return w.matmul(w, transposeOther: true) * Tensor(offDiagonal, shape: [m, m])
    }

    /// ((W Wᵀ) ⊙ (1 − I))·W, as [shape[0], -1].
    static func gradient(of w: Tensor) -> Tensor {
        let rows = rows(w)
        return offDiagonalGram(rows).matmul(rows)
    }
}

extension TrainingConfig {
    /// The orthogonal regularization these settings ask for (`--orthogonal-reg`).
    public var orthogonalRegularizer: OrthogonalRegularization { OrthogonalRegularization(strength: orthogonalRegularization) }
}
