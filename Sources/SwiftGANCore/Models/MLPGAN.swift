import SwiftGANEngine
import SwiftGANNN

/// Linear layers through `sizes` with a fresh `activation()` after each hidden one; `beforeLast`
/// layers (which add `extraFeatures`) go just before the last Linear. The shape shared by the
/// MLP and toy generators and discriminators.
func perceptronLayers(_ sizes: [Int], activation: () -> any UnaryLayer, beforeLast: [any UnaryLayer] = [],
                      extraFeatures: Int = 0, generator: inout RandomGenerator) -> [any UnaryLayer] {
    var layers: [any UnaryLayer] = []
    for i in 0..<(sizes.count - 1) {
        let last = i == sizes.count - 2
        if last { layers += beforeLast }
        layers.append(Linear(sizes[i] + (last ? extraFeatures : 0), sizes[i + 1], generator: &generator))
        if !last { layers.append(activation()) }
    }
    return layers
}

/// The generator of the classic minimal GAN: z (64) → 256 → 512 → 784, ReLU between, Tanh out.
/// Its parameters are named as PyTorch names a module holding the same `nn.Sequential` in
/// `self.net` (`net.0.weight`, …, `net.4.bias`).
public final class MLPGenerator: Module, UnaryLayer {
    public static let latentDimension = 64
    public let net: Sequential

    public init(generator: inout RandomGenerator) {
        net = Sequential(perceptronLayers([64, 256, 512, 784], activation: { ReLU() }, generator: &generator) + [Tanh()])
        super.init()
    }

    /// z [batch, 64] → images [batch, 784] in [-1, 1].
    public func callAsFunction(_ z: Tensor) -> Tensor { net(z) }
}

/// The discriminator of the classic minimal GAN: 784 → 512 → 256 → 1 logit, LeakyReLU(0.2).
public final class MLPDiscriminator: Module, UnaryLayer {
    public let net: Sequential

    /// `extraLayers` (minibatch layers that add `extraFeatures`) go before the last layer.
    public init(extraLayers: [any UnaryLayer] = [], extraFeatures: Int = 0, generator: inout RandomGenerator) {
        net = Sequential(perceptronLayers([784, 512, 256, 1], activation: { LeakyReLU(negativeSlope: 0.2) },
                                          beforeLast: extraLayers, extraFeatures: extraFeatures, generator: &generator))
        super.init()
    }

    /// images [batch, 784] → logits [batch, 1].
    public func callAsFunction(_ x: Tensor) -> Tensor { net(x) }
}
