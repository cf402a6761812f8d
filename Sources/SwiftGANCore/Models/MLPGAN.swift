import SwiftGANEngine
import SwiftGANNN

/// The generator of the classic minimal GAN: z (64) → 256 → 512 → 784, ReLU between, Tanh out.
/// Its parameters are named as PyTorch names a module holding the same `nn.Sequential` in
/// `self.net` (`net.0.weight`, …, `net.4.bias`).
public final class MLPGenerator: Module, UnaryLayer {
    public static let latentDimension = 64
    public let net: Sequential

    public init(generator: inout RandomGenerator) {
        net = Sequential(Linear(64, 256, generator: &generator), ReLU(),
                         Linear(256, 512, generator: &generator), ReLU(),
                         Linear(512, 784, generator: &generator), Tanh())
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
        net = Sequential([Linear(784, 512, generator: &generator), LeakyReLU(negativeSlope: 0.2),
                          Linear(512, 256, generator: &generator), LeakyReLU(negativeSlope: 0.2)]
                         + extraLayers + [Linear(256 + extraFeatures, 1, generator: &generator)])
        super.init()
    }

    /// images [batch, 784] → logits [batch, 1].
    public func callAsFunction(_ x: Tensor) -> Tensor { net(x) }
}
