import SwiftGANEngine

/// Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and
/// weight decay, as `torch.optim.SGD`.
public final class SGD: Optimizer {
    public let parameters: [Tensor]
    public var learningRate: Float
    public let momentum: Float
    public let dampening: Float
    public let weightDecay: Float
    public let nesterov: Bool
    public private(set) var stepCount = 0
    private let slots: SlotStore

    public init(parameters: [Tensor], learningRate: Float, momentum: Float = 0, dampening: Float = 0,
                weightDecay: Float = 0, nesterov: Bool = false) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = momentum
        self.dampening = dampening
        self.weightDecay = weightDecay
        self.nesterov = nesterov
        slots = SlotStore(parameters: parameters, names: ["momentum_buffer"])
    }

    public func update(_ gradients: [Tensor]) {
        prepareGradients(gradients)
        stepCount += 1
        for (i, p) in parameters.enumerated() {
            Backend.current.sgd(p.storage.pointer, gradient: gradients[i].storage.pointer,
                                momentumBuffer: slots.slots[i][0].storage.pointer, count: p.count, learningRate: learningRate,
                                momentum: momentum, dampening: dampening, weightDecay: weightDecay, nesterov: nesterov,
                                first: stepCount == 1)
        }
    }

    public func stateTensors() -> [String: Tensor] { slots.tensors(step: stepCount) }
    public func loadStateTensors(_ state: [String: Tensor]) throws { stepCount = try slots.load(state) }
}
