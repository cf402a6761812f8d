import SwiftGANEngine

/// max(x, 0), like `torch.nn.ReLU`.
public final class ReLU: Module, UnaryLayer {
    override public init() { super.init() }
    public func callAsFunction(_ x: Tensor) -> Tensor { x.relu() }
}

/// x for x > 0, else `negativeSlope`·x, like `torch.nn.LeakyReLU`.
public final class LeakyReLU: Module, UnaryLayer {
    public let negativeSlope: Float
    public init(negativeSlope: Float = 0.01) {
        self.negativeSlope = negativeSlope
        super.init()
    }
    public func callAsFunction(_ x: Tensor) -> Tensor { x.leakyReLU(negativeSlope: negativeSlope) }
}

/// tanh, like `torch.nn.Tanh`.
public final class Tanh: Module, UnaryLayer {
    override public init() { super.init() }
    public func callAsFunction(_ x: Tensor) -> Tensor { x.tanh() }
}

/// The logistic sigmoid, like `torch.nn.Sigmoid`.
public final class Sigmoid: Module, UnaryLayer {
    override public init() { super.init() }
    public func callAsFunction(_ x: Tensor) -> Tensor { x.sigmoid() }
}
