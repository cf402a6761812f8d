import SwiftGANEngine
import SwiftGANNN

/// The generator of the conditional GAN of Mirza & Osindero (2014) with the MLP GAN's layers:
/// [z (64), embedding(y) (classes)] → 256 → 512 → pixels, ReLU between, Tanh out.
public final class ConditionalMLPGenerator: Module {
    public static let latentDimension = 64
    /// [C, H, W] of the images it makes (flat, as [n, C·H·W]).
    public let outputShape: [Int]
    public let labelEmbedding: Embedding
    public let net: Sequential

    public init(classes: Int, imageShape: [Int], generator rng: inout RandomGenerator) {
        outputShape = imageShape
        labelEmbedding = Embedding(classes, classes, generator: &rng)
        net = Sequential(perceptronLayers([Self.latentDimension + classes, 256, 512, imageShape.reduce(1, *)], activation: { ReLU() },
                                          generator: &rng) + [Tanh()])
        super.init()
    }

    /// z [n, 64] and class indices → images [n, pixels] in [-1, 1].
    public func callAsFunction(_ z: Tensor, _ labels: [Int]) -> Tensor {
        net(Tensor.concat([z, labelEmbedding.lookup(labels)], axis: 1))
    }
}

/// The conditional discriminator: [x (pixels), embedding(y)] → 512 → 256 → 1 logit, LeakyReLU(0.2).
public final class ConditionalMLPDiscriminator: Module {
    public let labelEmbedding: Embedding
    public let net: Sequential

    public init(classes: Int, pixels: Int, generator rng: inout RandomGenerator) {
        labelEmbedding = Embedding(classes, classes, generator: &rng)
        net = Sequential(perceptronLayers([pixels + classes, 512, 256, 1], activation: { LeakyReLU(negativeSlope: 0.2) }, generator: &rng))
        super.init()
    }

    /// images [n, pixels] and class indices → logits [n, 1].
    public func callAsFunction(_ x: Tensor, _ labels: [Int]) -> Tensor {
        net(Tensor.concat([x, labelEmbedding.lookup(labels)], axis: 1))
    }
}
