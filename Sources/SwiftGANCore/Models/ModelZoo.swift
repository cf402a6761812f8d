import SwiftGANEngine
import SwiftGANNN

/// Options that change the discriminator's architecture.
public struct DiscriminatorOptions: Codable, Equatable, Sendable {
    /// Add a minibatch standard deviation layer before the last layer (Karras et al.).
    public var minibatchStdDev = false
    /// Add minibatch discrimination with this many kernels before the last layer (Salimans et
    /// al.; flat-feature discriminators only); 0 for none.
    public var minibatchDiscriminationKernels = 0
    /// Batch norm between the convolutions of a DCGAN's D (`DiscriminatorNormalization`).
    public var batchNorm = true

    public init(minibatchStdDev: Bool = false, minibatchDiscriminationKernels: Int = 0, batchNorm: Bool = true) {
        self.minibatchStdDev = minibatchStdDev
        self.minibatchDiscriminationKernels = minibatchDiscriminationKernels
        self.batchNorm = batchNorm
    }
}

/// What normalizes the activations between a DCGAN discriminator's convolutions.
public enum DiscriminatorNormalization: String, CaseIterable, Codable, Sendable, ConfigScalar {
    /// Batch norm, as Radford et al.
    case batch
    /// None, as the WGAN-GP critic (a per-sample gradient penalty assumes each output depends
    /// on its own sample only).
    case unnormalized = "none"
}

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
    /// Small MLPs for the 2-D mode-collapse benchmarks (ring8, grid25).
    case toy

    /// One line for `--help`.
    public var summary: String {
        switch self {
        case .mlp: "the classic minimal GAN (MLPs), z 64, for 1×28×28 images"
        case .dcgan: "the DCGAN, z 100, for 1×28×28 images (3×32×32 and 3×64×64 data pick dcgan32 and dcgan64)"
        case .dcgan32: "the DCGAN for 3×32×32 images"
        case .dcgan64: "the DCGAN for 3×64×64 images"
        case .toy: "small MLPs for the 2-D benchmarks ring8 and grid25"
        }
    }

    /// Whether D has batch norm to switch off (`--d-norm`).
    public var hasNormalizedDiscriminator: Bool { dcganLayout != nil }

    var dcganLayout: DCGANLayout? {
        switch self {
        case .mlp, .toy: nil
        case .dcgan: .mnist28
        case .dcgan32: .rgb32
        case .dcgan64: .rgb64
        }
    }

    /// The size of the latent vector z.
    public var latentDimension: Int {
        switch self {
        case .mlp: MLPGenerator.latentDimension
        case .toy: ToyGenerator.latentDimension
        default: DCGANLayout.latentDimension
        }
    }

    /// The shape of one sample: [channels, height, width] for images, [2] for points.
    public var imageShape: [Int] {
        self == .toy ? [2] : dcganLayout?.imageShape ?? [1, 28, 28]
    }

    /// Whether the model makes images (rather than 2-D points).
    public var makesImages: Bool { self != .toy }

    /// The shape of the generator's output for `batch` samples (what `sample --npy` writes).
    public func outputShape(batch: Int) -> [Int] {
        takesFlatImages ? [batch, imageShape.reduce(1, *)] : [batch] + imageShape
    }

    /// Whether the networks work on flat vectors.
    public var takesFlatImages: Bool { self == .mlp || self == .toy }

    /// A latent batch: [batch, latentDimension] drawn from N(0, 1).
    public func sampleLatents(_ batch: Int, generator: inout RandomGenerator) -> Tensor {
        generator.normal([batch, latentDimension])
    }

    public func makeGenerator(generator: inout RandomGenerator) -> any UnaryLayer & SampleableGenerator {
        if let layout = dcganLayout { return DCGANGenerator(layout, generator: &generator) }
        return self == .toy ? ToyGenerator(generator: &generator) : MLPGenerator(generator: &generator)
    }

    public func makeDiscriminator(options: DiscriminatorOptions = DiscriminatorOptions(),
                                  generator: inout RandomGenerator) -> any UnaryLayer {
        if let layout = dcganLayout {
            return DCGANDiscriminator(layout, minibatchStdDev: options.minibatchStdDev, batchNorm: options.batchNorm, generator: &generator)
        }
        let features = self == .toy ? 128 : 256
        var extra: [any UnaryLayer] = []
        var extraFeatures = 0
        if options.minibatchStdDev { extra.append(MinibatchStdDev()); extraFeatures += 1 }
        if options.minibatchDiscriminationKernels > 0 {
            extra.append(MinibatchDiscrimination(features + extraFeatures, kernels: options.minibatchDiscriminationKernels,
                                                 generator: &generator))
            extraFeatures += options.minibatchDiscriminationKernels
        }
        return self == .toy ? ToyDiscriminator(extraLayers: extra, extraFeatures: extraFeatures, generator: &generator)
            : MLPDiscriminator(extraLayers: extra, extraFeatures: extraFeatures, generator: &generator)
    }
}

