import SwiftGANEngine
import SwiftGANNN

/// The models `swiftgan` can train and sample by name.
public enum GANModelKind: String, CaseIterable, Codable, Sendable {
    /// The classic minimal GAN (MLPs) for 28×28 gray images.
    case mlp
    /// The DCGAN for 1×28×28 images (the peer benchmark's reference model).
    case dcgan
    /// The DCGAN for 3×32×32 images.
    case dcgan32
    /// The DCGAN for 3×64×64 images.
    case dcgan64

    var dcganLayout: DCGANLayout? {
        switch self {
        case .mlp: nil
        case .dcgan: .mnist28
        case .dcgan32: .rgb32
        case .dcgan64: .rgb64
        }
    }

    /// The size of the latent vector z.
    public var latentDimension: Int { self == .mlp ? MLPGenerator.latentDimension : DCGANLayout.latentDimension }

    /// The shape of one generated image: [channels, height, width].
    public var imageShape: [Int] { dcganLayout?.imageShape ?? [1, 28, 28] }

    /// The shape of the generator's output for `batch` samples (what `sample --npy` writes).
    public func outputShape(batch: Int) -> [Int] {
        takesFlatImages ? [batch, imageShape.reduce(1, *)] : [batch] + imageShape
    }

    /// Whether the networks work on images flattened to vectors.
    public var takesFlatImages: Bool { self == .mlp }

    /// A latent batch: [batch, latentDimension] drawn from N(0, 1).
    public func sampleLatents(_ batch: Int, generator: inout RandomGenerator) -> Tensor {
        generator.normal([batch, latentDimension])
    }

    public func makeGenerator(generator: inout RandomGenerator) -> any UnaryLayer {
        if let layout = dcganLayout { return DCGANGenerator(layout, generator: &generator) }
        return MLPGenerator(generator: &generator)
    }

    public func makeDiscriminator(generator: inout RandomGenerator) -> any UnaryLayer {
        if let layout = dcganLayout { return DCGANDiscriminator(layout, generator: &generator) }
        return MLPDiscriminator(generator: &generator)
    }
}
