import SwiftGANEngine
import SwiftGANNN

/// The class-conditional DCGAN of the peer zoo (`cgan_models()` of torch_zoo.py), with its
/// module names, so weights files have PyTorch's `state_dict` keys both ways. Layers keep
/// PyTorch's default initialization, as the reference does.
///
/// ```swift
/// var rng = RandomGenerator(seed: 0)
/// let g = ConditionalDCGANGenerator(generator: &rng)
/// let images = g(rng.normal([4, 100]), [0, 1, 2, 3])   // [4, 1, 28, 28]
/// ```
public final class ConditionalDCGANGenerator: Module {
    public static let latentDimension = 100
    public static let embeddingDimension = 50
    public static let imageShape = [1, 28, 28]
    /// The class embedding [classes, 50], concatenated to z.
    public let embed: Embedding
    public let net: Sequential

    public init(classes: Int = 10, generator rng: inout RandomGenerator) {
        embed = Embedding(classes, Self.embeddingDimension, generator: &rng)
        net = Sequential(
            ConvTranspose2d(Self.latentDimension + Self.embeddingDimension, 256, kernelSize: 7, bias: false, generator: &rng), BatchNorm2d(256), ReLU(),
            ConvTranspose2d(256, 128, kernelSize: 4, stride: 2, padding: 1, bias: false, generator: &rng), BatchNorm2d(128), ReLU(),
            ConvTranspose2d(128, 1, kernelSize: 4, stride: 2, padding: 1, generator: &rng), Tanh())
        super.init()
    }

    public var classCount: Int { embed.weight.shape[0] }

    /// z [n, 100] and n class indices → images [n, 1, 28, 28] in [-1, 1].
    public func callAsFunction(_ z: Tensor, _ labels: [Int]) -> Tensor {
        let h = Tensor.concat([z, embed.lookup(labels)], axis: 1)
        return net(h.reshaped([h.shape[0], h.shape[1], 1, 1]))
    }
}

/// A generator of images for given latents and class labels (cgan's, acgan's, biggan's).
public protocol ConditionalGenerator: Module {
    /// latents [n, d] and n class indices → images.
    func callAsFunction(_ z: Tensor, _ labels: [Int]) -> Tensor
}

extension ConditionalDCGANGenerator: ConditionalGenerator {}

/// A discriminator that scores (image, label) pairs: logits [n, 1].
public protocol ConditionalDiscriminator: Module {
    /// images [n, 1, 28, 28] and n class indices → logits [n, 1].
    func callAsFunction(_ x: Tensor, _ labels: [Int]) -> Tensor
}

/// The discriminators `cgan` offers (`--discriminator`).
public enum ConditionalDiscriminatorKind: String, CaseIterable, Sendable {
    /// Miyato & Koyama's projection: linear(φ(x)) + ⟨embed(y), φ(x)⟩; the reference's.
    case projection
    /// The label as one-hot input channels: D([x, onehot(y)]) with the same trunk and no projection.
    case concat
}

/// The trunk of every conditional discriminator here: two spectrally normalized 4×4 stride-2
/// convolutions with LeakyReLU(0.2), flattened: [n, c, 28, 28] → [n, 128·7·7].
func conditionalDiscriminatorTrunk(inputChannels: Int, generator rng: inout RandomGenerator) -> Sequential {
    Sequential(Conv2d(inputChannels, 64, kernelSize: 4, stride: 2, padding: 1, generator: &rng), LeakyReLU(negativeSlope: 0.2),
               Conv2d(64, 128, kernelSize: 4, stride: 2, padding: 1, generator: &rng), LeakyReLU(negativeSlope: 0.2), Flatten())
}

/// The projection discriminator of the peer zoo (`ProjectionDiscriminator`, keys `net.0`,
/// `net.2`, `linear`, `embed`), spectral norm on every layer including the class embedding:
/// h = net(x) [n, 6272]; out = linear(h) + Σ embed(y) ⊙ h.
public final class ProjectionDiscriminator: Module, ConditionalDiscriminator {
    public static let features = 128 * 7 * 7
    public let net: Sequential
    public let linear: Linear
    public let embed: Embedding

    public init(classes: Int = 10, generator rng: inout RandomGenerator) {
        net = conditionalDiscriminatorTrunk(inputChannels: 1, generator: &rng)
        linear = Linear(Self.features, 1, generator: &rng)
        embed = Embedding(classes, Self.features, generator: &rng)
        super.init()
        applySpectralNormToAllLayers(generator: &rng)
    }

    public func callAsFunction(_ x: Tensor, _ labels: [Int]) -> Tensor {
        let h = net(x)
        return linear(h) + (embed.lookup(labels) * h).sum(axis: 1, keepDims: true)
    }
}

/// The concat-label discriminator: the class as `classes` one-hot input channels beside the
/// image (keys `net.0`, `net.2`, `linear`), the projection discriminator's trunk with
/// `1 + classes` input channels and spectral norm, and a linear head without projection.
public final class ConcatLabelDiscriminator: Module, ConditionalDiscriminator {
    public let classes: Int
    public let net: Sequential
    public let linear: Linear

    public init(classes: Int = 10, generator rng: inout RandomGenerator) {
        self.classes = classes
        net = conditionalDiscriminatorTrunk(inputChannels: 1 + classes, generator: &rng)
        linear = Linear(ProjectionDiscriminator.features, 1, generator: &rng)
        super.init()
        applySpectralNormToAllLayers(generator: &rng)
    }

    public func callAsFunction(_ x: Tensor, _ labels: [Int]) -> Tensor {
        linear(net(Tensor.concat([x, oneHotPlanes(labels, classes: classes, height: x.shape[2], width: x.shape[3])], axis: 1)))
    }
}

/// Constant planes [n, classes, h, w]: 1 in plane y_i of row i, 0 elsewhere.
func oneHotPlanes(_ labels: [Int], classes: Int, height: Int, width: Int) -> Tensor {
    let plane = height * width
    var values = [Float](repeating: 0, count: labels.count * classes * plane)
    for (i, y) in labels.enumerated() {
        precondition(y >= 0 && y < classes, "class \(y) out of 0..<\(classes)")
        let start = (i * classes + y) * plane
        for j in start..<(start + plane) { values[j] = 1 }
    }
    return Tensor(values, shape: [labels.count, classes, height, width])
}
