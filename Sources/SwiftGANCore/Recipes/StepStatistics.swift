import SwiftGANEngine
import SwiftGANNN

/// What one training step measured. Every recipe reports a D loss and a G loss (its totals)
/// and may add named component losses; gradient norms are filled in on diagnostic steps only.
public struct StepStatistics: Sendable {
    public var lossD: Float
    public var lossG: Float
    /// Mean D output on the real batch (a probability for the BCE losses, a raw score otherwise).
    public var realScore: Float
    /// Mean D output on the fake batch during D's step.
    public var fakeScore: Float
    /// Component losses by name (`loss_cycle`, …), logged beside `loss_d` and `loss_g`.
    public var losses: [String: Float] = [:]
    /// Other values to log by name (the instance noise level, …).
    public var extra: [String: Float] = [:]
    /// The gradient norm of the watched discriminator and generator (the alarms read these).
    public var gradientNormD: Float?
    public var gradientNormG: Float?
    /// Total and per-layer gradient norms by model name.
    public var gradientNorms: [String: Float] = [:]
    public var layerGradientNorms: [String: [String: Float]] = [:]

    public init(lossD: Float, lossG: Float, realScore: Float, fakeScore: Float, gradientNormD: Float? = nil,
                gradientNormG: Float? = nil) {
        self.lossD = lossD
        self.lossG = lossG
        self.realScore = realScore
        self.fakeScore = fakeScore
        self.gradientNormD = gradientNormD
        self.gradientNormG = gradientNormG
    }

    /// Whether every value is finite.
    public var isFinite: Bool {
        ([lossD, lossG, realScore, fakeScore, gradientNormD ?? 0, gradientNormG ?? 0] + Array(losses.values)).allSatisfy(\.isFinite)
    }

    /// Records the gradient norms of `model` (total and per parameter) from its gradients in the
    /// order of `names`; the first generator and discriminator recorded are the watched ones.
    public mutating func recordGradientNorms(of model: NamedModel, names: [String], gradients: [Tensor]) {
        var total = 0.0
        var layers: [String: Float] = [:]
        for (name, g) in zip(names, gradients) {
            let squares = g.withUnsafeBufferPointer { $0.reduce(0.0) { $0 + Double($1) * Double($1) } }
            total += squares
            layers[name] = Float(squares.squareRoot())
        }
        let norm = Float(total.squareRoot())
        gradientNorms[model.name] = norm
        layerGradientNorms[model.name] = layers
        switch model.role {
        case .generator: if gradientNormG == nil { gradientNormG = norm }
        case .discriminator: if gradientNormD == nil { gradientNormD = norm }
        case .other: break
        }
    }
}
