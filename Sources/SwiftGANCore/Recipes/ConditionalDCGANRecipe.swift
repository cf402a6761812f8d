import SwiftGANEngine
import SwiftGANNN

extension ConditionalDiscriminatorKind: ConfigScalar {}

/// The class-conditional DCGAN (`--model cgan`): the peer zoo's `CondGenerator` G(z, y) and a
/// spectrally normalized conditional discriminator, by default the projection discriminator of
/// Miyato & Koyama (`--discriminator projection`, the reference's), or the one-hot concat-label
/// one (`--discriminator concat`). Its step is torch_zoo_step.py's cgan step: fakes made with
/// G in training mode without recording, D's loss on the real batch and the detached fakes with
/// the batch's labels, a D update, then G's loss through D on fresh latents with the same labels
/// and a G update. Its sample panel has one row per class.
///
/// The family's defaults are the reference's learning rates (2e-4 for both) plus mode seeking
/// (`--mode-seeking 0.1`): the reference step alone draws one image per class whatever z is
/// (Benchmarks/RESULTS.md); `--mode-seeking 0` gives exactly the reference step.
public final class ConditionalDCGANRecipe: ConditionalPairRecipe, LabelConditionedRecipe {
    public let discriminatorKind: ConditionalDiscriminatorKind
    public let generator: ConditionalDCGANGenerator
    public let discriminator: any ConditionalDiscriminator

    public static let family = ModelFamily(
        name: "cgan", summary: "the class-conditional DCGAN (G(z, y), spectrally normalized projection or concat-label D) for labeled 1×28×28 images",
        options: [ConfigField(option: "discriminator", default: ConditionalDiscriminatorKind.projection,
                              help: "cgan's discriminator: projection (⟨embed(y), φ(x)⟩, the reference's) or concat (y as one-hot input channels)."),
                  ConfigField.modeSeeking],
        layout: .images, defaultShape: DataShape(sample: ConditionalDCGANGenerator.imageShape, classCount: 10),
        defaults: ["learningRateG": .double(2e-4), "modeSeeking": .double(0.1)],
        validate: validateConditionalDCGAN(name: "cgan"),
        makeGenerator: makeConditionalDCGANGenerator,
        makeRecipe: { config, shape in
            try checkConditionalDCGANData(shape, name: "cgan")
            return ConditionalDCGANRecipe(config: config, classes: shape.classCount)
        })

    public init(config: TrainingConfig, classes: Int) {
        discriminatorKind = config.option("discriminator") ?? .projection
        var rng = RandomGenerator(seed: config.seed)
        let g = ConditionalDCGANGenerator(classes: classes, generator: &rng)
        let d: any ConditionalDiscriminator = switch discriminatorKind {
        case .projection: ProjectionDiscriminator(classes: classes, generator: &rng)
        case .concat: ConcatLabelDiscriminator(classes: classes, generator: &rng)
        }
        (generator, discriminator) = (g, d)
        super.init(config: config, classes: classes, generator: g, discriminator: d) { ConditionalDCGANGenerator(classes: classes, generator: &$0) }
    }

    public var architectureMetadata: [String: String] {
        [WeightsMetadata.architecture: "cgan", "swiftgan.classes": "\(classes)", "swiftgan.discriminator": discriminatorKind.rawValue]
    }

    public var conditionalGenerator: any ConditionalGenerator { generator }
    public var conditionalDiscriminator: any ConditionalDiscriminator { discriminator }
}

/// The settings the conditional DCGAN families cannot use, refused by name.
func validateConditionalDCGAN(name: String) -> (TrainingConfig) throws -> Void {
    { config in
        let unsupported = [("--replay-buffer", config.replayBufferSize > 0), ("--unrolled", config.unrolledSteps > 0),
                           ("--instance-noise", config.instanceNoise > 0),
                           ("--gradient-penalty, --r1, --r2 and wgan-gp", config.effectiveGradientPenaltyWeight > 0 || config.r1Gamma > 0 || config.r2Gamma > 0),
                           ("--minibatch-stddev, --minibatch-discrimination", config.minibatchStdDev || config.minibatchDiscriminationKernels > 0)]
        if let (flag, _) = unsupported.first(where: \.1) {
            throw ConfigError("model \(name) does not support \(flag) (its discriminator is always spectrally normalized)")
        }
        if config.modeSeeking.weight < 0 {
            throw ConfigError("--mode-seeking [modeSeeking] must not be negative, got \(config.modeSeeking.weight)")
        }
    }
}

/// Refuses data the conditional DCGANs cannot train on, in one line.
func checkConditionalDCGANData(_ shape: DataShape, name: String) throws {
    guard shape.classCount >= 2 else {
        throw ConfigError("model \(name) trains on labeled images (class folders or IDX labels); the data has no classes")
    }
    guard shape.sample == ConditionalDCGANGenerator.imageShape else {
        throw ConfigError("model \(name) makes 1×28×28 images; the data has \(shape.sample.map(String.init).joined(separator: "×")) (see --channels and --resolution)")
    }
}

/// The generator a cgan or acgan weights file holds: 10 classes unless its metadata says otherwise
/// (PyTorch's files have none).
func makeConditionalDCGANGenerator(_ metadata: [String: String]) throws -> any SampleableGenerator {
    var rng = RandomGenerator(seed: 0)
    return ConditionalDCGANGenerator(classes: try classCount(metadata), generator: &rng)
}

/// The class count a conditional generator's weights record: 10 when they record none (PyTorch's
/// files have no metadata); a count under 2 is refused.
func classCount(_ metadata: [String: String]) throws -> Int {
    let classes = metadata["swiftgan.classes"].flatMap { Int($0) } ?? 10
    guard classes > 1 else { throw ConfigError("the weights record an unusable class count \(metadata["swiftgan.classes"] ?? "")") }
    return classes
}
