import SwiftGANEngine
import SwiftGANKernels

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
        checkGradients(gradients)
        stepCount += 1
        for (i, p) in parameters.enumerated() {
            sg_sgd(p.storage.pointer, gradients[i].storage.pointer, slots.slots[i][0].storage.pointer,
                   Int64(p.count), learningRate, momentum, dampening, weightDecay,
                   nesterov ? 1 : 0, stepCount == 1 ? 1 : 0)
        }
    }

    public func stateTensors() -> [String: Tensor] { slots.tensors(step: stepCount) }
    public func loadStateTensors(_ state: [String: Tensor]) throws { stepCount = try slots.load(state) }
}
