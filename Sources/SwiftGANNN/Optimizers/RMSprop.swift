import SwiftGANEngine

/// RMSprop as `torch.optim.RMSprop`: a running average of squared gradients (alpha), optional
/// momentum and the centered variant.
public final class RMSprop: Optimizer {
    public let parameters: [Tensor]
    public var learningRate: Float
    public let alpha: Float
    public let eps: Float
    public let weightDecay: Float
    public let momentum: Float
    public let centered: Bool
    public private(set) var stepCount = 0
    private let slots: SlotStore

    public init(parameters: [Tensor], learningRate: Float = 1e-2, alpha: Float = 0.99, eps: Float = 1e-8,
                weightDecay: Float = 0, momentum: Float = 0, centered: Bool = false) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.alpha = alpha
        self.eps = eps
        self.weightDecay = weightDecay
        self.momentum = momentum
        self.centered = centered
        slots = SlotStore(parameters: parameters, names: ["square_avg", "momentum_buffer", "grad_avg"])
    }

    public func update(_ gradients: [Tensor]) {
        prepareGradients(gradients)
        stepCount += 1
        for (i, p) in parameters.enumerated() {
            let s = slots.slots[i]
            Backend.current.rmsprop(p.storage.pointer, gradient: gradients[i].storage.pointer, squareAverage: s[0].storage.pointer,
                                    momentumBuffer: s[1].storage.pointer, gradientAverage: s[2].storage.pointer, count: p.count,
                                    learningRate: learningRate, alpha: alpha, eps: eps, weightDecay: weightDecay,
                                    momentum: momentum, centered: centered)
        }
    }

    public func stateTensors() -> [String: Tensor] { slots.tensors(step: stepCount) }
    public func loadStateTensors(_ state: [String: Tensor]) throws { stepCount = try slots.load(state) }
}
