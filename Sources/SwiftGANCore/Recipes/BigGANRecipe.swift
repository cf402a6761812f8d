import SwiftGANEngine
import SwiftGANNN

/// BigGAN-lite (`--model biggan`): the peer zoo's `biggan_models()`, a class-conditional
/// generator with hierarchical latents, a shared class embedding, conditional batch norm and
/// self-attention, and a spectrally normalized projection discriminator with residual blocks.
/// Its step is torch_zoo_step.py's biggan step: fakes made with G in training mode without
/// recording, D's loss on the real batch and the detached fakes with the batch's labels, a D
/// update, then G's loss through D on fresh latents with the same labels and a G update. The
/// family's defaults are the reference's: the hinge loss, learning rates 2e-4 (D) and 5e-5
/// (G), Adam betas (0, 0.999); a config file and flags override them. Its sample panel has one
/// row per class.
public final class BigGANRecipe: LabelConditionedRecipe {
    public let config: TrainingConfig
    public let classes: Int
    public let generator: BigGANGenerator
    public let discriminator: BigGANDiscriminator
    public let ema: ExponentialMovingAverage?
    public let models: [NamedModel]
    public let optimizers: [NamedOptimizer]
    public var batchLayout: BatchLayout { .images }
    public var randomStreams: [String: RandomGenerator]
    public var counters: [String: Int] = [:]
    public let optimizerG: Adam, optimizerD: Adam
    public var latentDimension: Int { BigGANGenerator.latentDimension }
    /// DiffAugment of every input of D (`--diffaugment`; draws from `randomStreams["augment"]`).
    public let augment: DiffAugment

    public static let family = ModelFamily(
        name: "biggan", summary: "BigGAN-lite (conditional BN, self-attention, shared embedding, hinge loss) for labeled 1×28×28 images",
        options: [ConfigField.modeSeeking],
        layout: .images, defaultShape: DataShape(sample: BigGANGenerator.imageShape, classCount: 10),
        defaults: ["loss": .string(GANLoss.hinge.rawValue), "learningRateD": .double(2e-4), "learningRateG": .double(5e-5),
                   "beta1": .double(0), "beta2": .double(0.999)],
        validate: validateConditionalDCGAN(name: "biggan"),
        makeGenerator: { metadata in
            var rng = RandomGenerator(seed: 0)
            return BigGANGenerator(classes: try classCount(metadata), generator: &rng)
        },
        makeRecipe: { config, shape in
            try checkConditionalDCGANData(shape, name: "biggan")
            return BigGANRecipe(config: config, classes: shape.classCount)
        })

    public init(config: TrainingConfig, classes: Int) {
        self.config = config
        self.classes = classes
        var rng = RandomGenerator(seed: config.seed)
        generator = BigGANGenerator(classes: classes, generator: &rng)
        discriminator = BigGANDiscriminator(classes: classes, generator: &rng)
        let pair = GeneratorDiscriminatorPair(config: config, generator: generator, discriminator: discriminator) {
            var copyRNG = RandomGenerator(seed: 0)
            return BigGANGenerator(classes: classes, generator: &copyRNG)
        }
        (optimizerG, optimizerD, ema, models, optimizers) = (pair.optimizerG, pair.optimizerD, pair.ema, pair.models, pair.optimizers)
        randomStreams = ["noise": RandomGenerator(seed: config.seed &+ 0x5EED_0001)]
        augment = config.diffAugmentation
    }

    public var movingAverages: [String: ExponentialMovingAverage] { ema.map { ["generator": $0] } ?? [:] }

    public var architectureMetadata: [String: String] {
        [WeightsMetadata.architecture: "biggan", "swiftgan.classes": "\(classes)"]
    }

    public var conditionalGenerator: any ConditionalGenerator { generator }
    public var conditionalDiscriminator: any ConditionalDiscriminator { discriminator }

    public func panelInputs(count: Int, reference: Batch, generator rng: inout RandomGenerator) -> PanelInputs {
        PanelInputs.classRows(classes: classes, perClass: max(1, count / classes), latentDimension: latentDimension, generator: &rng)
    }

    public func panel(_ inputs: PanelInputs) -> Panel {
        Panel.classRows(inputs, generator: (ema?.average as? BigGANGenerator) ?? generator)
    }
}
