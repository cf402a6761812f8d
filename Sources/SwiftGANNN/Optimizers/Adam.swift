import SwiftGANEngine

/// Adam (Kingma & Ba) exactly as `torch.optim.Adam`: bias-corrected moments and L2 weight
/// decay added to the gradient.
public final class Adam: Optimizer {
    public let parameters: [Tensor]
    public var learningRate: Float
    public let betas: (Float, Float)
    public let eps: Float
    public let weightDecay: Float
    public private(set) var stepCount = 0
    private let slots: SlotStore

    public init(parameters: [Tensor], learningRate: Float = 1e-3, betas: (Float, Float) = (0.9, 0.999),
                eps: Float = 1e-8, weightDecay: Float = 0) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.betas = betas
        self.eps = eps
        self.weightDecay = weightDecay
        slots = SlotStore(parameters: parameters, names: ["exp_avg", "exp_avg_sq"])
    }

    public func update(_ gradients: [Tensor]) {
        prepareGradients(gradients)
        stepCount += 1
        for (i, p) in parameters.enumerated() {
            let m = slots.slots[i][0], v = slots.slots[i][1]
            Backend.current.adam(p.storage.pointer, gradient: gradients[i].storage.pointer, m: m.storage.pointer,
                                 v: v.storage.pointer, count: p.count, learningRate: learningRate, betas: betas, eps: eps,
                                 weightDecay: weightDecay, step: stepCount)
        }
    }

    public func stateTensors() -> [String: Tensor] { slots.tensors(step: stepCount) }
    public func loadStateTensors(_ state: [String: Tensor]) throws { stepCount = try slots.load(state) }
}
