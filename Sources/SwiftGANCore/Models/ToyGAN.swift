import SwiftGANEngine
import SwiftGANNN

/// The small MLPs of the 2-D mode-collapse benchmarks: G z (8) → 128 → 128 → 2 with ReLU,
/// D 2 → 128 → 128 → 1 with LeakyReLU(0.2).
public final class ToyGenerator: Module, UnaryLayer {
    public static let latentDimension = 8
    public let net: Sequential

    public init(generator: inout RandomGenerator) {
        net = Sequential(Linear(8, 128, generator: &generator), ReLU(), Linear(128, 128, generator: &generator), ReLU(),
                         Linear(128, 2, generator: &generator))
        super.init()
    }

    public func callAsFunction(_ z: Tensor) -> Tensor { net(z) }
}

public final class ToyDiscriminator: Module, UnaryLayer {
    public let net: Sequential

    public init(extraLayers: [any UnaryLayer] = [], extraFeatures: Int = 0, generator: inout RandomGenerator) {
        net = Sequential([Linear(2, 128, generator: &generator), LeakyReLU(negativeSlope: 0.2),
                          Linear(128, 128, generator: &generator), LeakyReLU(negativeSlope: 0.2)]
                         + extraLayers + [Linear(128 + extraFeatures, 1, generator: &generator)])
        super.init()
    }

    public func callAsFunction(_ x: Tensor) -> Tensor { net(x) }
}
