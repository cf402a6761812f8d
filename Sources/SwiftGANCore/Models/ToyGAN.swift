import SwiftGANEngine
import SwiftGANNN

/// The generator of the 2-D mode-collapse benchmarks: z (8) → 128 → 128 → 2 with ReLU.
public final class ToyGenerator: Module, UnaryLayer {
    public static let latentDimension = 8
    public let net: Sequential

    public init(generator: inout RandomGenerator) {
        net = Sequential(perceptronLayers([8, 128, 128, 2], activation: { ReLU() }, generator: &generator))
        super.init()
    }

    public func callAsFunction(_ z: Tensor) -> Tensor { net(z) }
}

/// The discriminator of the 2-D benchmarks: 2 → 128 → 128 → 1 with LeakyReLU(0.2).
public final class ToyDiscriminator: Module, UnaryLayer {
    public let net: Sequential

    public init(extraLayers: [any UnaryLayer] = [], extraFeatures: Int = 0, generator: inout RandomGenerator) {
        net = Sequential(perceptronLayers([2, 128, 128, 1], activation: { LeakyReLU(negativeSlope: 0.2) },
                                          beforeLast: extraLayers, extraFeatures: extraFeatures, generator: &generator))
        super.init()
    }

    public func callAsFunction(_ x: Tensor) -> Tensor { net(x) }
}
