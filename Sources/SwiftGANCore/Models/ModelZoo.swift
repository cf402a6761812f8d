import SwiftGANEngine
import SwiftGANNN

/// The models `swiftgan` can train and sample by name.
public enum GANModelKind: String, CaseIterable, Codable, Sendable {
    case mlp

    /// The size of the latent vector z.
    public var latentDimension: Int {
        switch self {
        case .mlp: MLPGenerator.latentDimension
        }
    }

    /// The shape of one generated image: [channels, height, width].
    public var imageShape: [Int] {
        switch self {
        case .mlp: [1, 28, 28]
        }
    }

    /// The shape of the generator's output for `batch` samples.
    public func outputShape(batch: Int) -> [Int] {
        switch self {
        case .mlp: [batch, 784]
        }
    }

    /// Whether the discriminator takes images flattened to vectors.
    public var takesFlatImages: Bool { self == .mlp }

    /// A latent batch: [batch, latentDimension] drawn from N(0, 1).
    public func sampleLatents(_ batch: Int, generator: inout RandomGenerator) -> Tensor {
        generator.normal([batch, latentDimension])
    }

    public func makeGenerator(generator: inout RandomGenerator) -> any UnaryLayer {
        switch self {
        case .mlp: MLPGenerator(generator: &generator)
        }
    }

    public func makeDiscriminator(generator: inout RandomGenerator) -> any UnaryLayer {
        switch self {
        case .mlp: MLPDiscriminator(generator: &generator)
        }
    }
}
