import SwiftGANEngine

/// Layers applied in order, named by index like `torch.nn.Sequential` (`0.weight`, `2.bias`).
///
/// ```swift
/// let mlp = Sequential(Linear(64, 256), ReLU(), Linear(256, 784), Tanh())
/// ```
public final class Sequential: Module, UnaryLayer {
    public let layers: [any UnaryLayer]

    public init(_ layers: [any UnaryLayer]) {
        self.layers = layers
        super.init()
    }

    public convenience init(_ layers: any UnaryLayer...) { self.init(layers) }

    override public func namedChildren() -> [(String, Module)] {
        layers.enumerated().map { ("\($0.offset)", $0.element) }
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        layers.reduce(x) { $1($0) }
    }
}
