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
public final class BigGANRecipe: ConditionalPairRecipe, LabelConditionedRecipe {
    public let generator: BigGANGenerator
    public let discriminator: BigGANDiscriminator

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
        var rng = RandomGenerator(seed: config.seed)
        let g = BigGANGenerator(classes: classes, generator: &rng), d = BigGANDiscriminator(classes: classes, generator: &rng)
        (generator, discriminator) = (g, d)
        super.init(config: config, classes: classes, generator: g, discriminator: d) { BigGANGenerator(classes: classes, generator: &$0) }
    }

    public var architectureMetadata: [String: String] {
        [WeightsMetadata.architecture: "biggan", "swiftgan.classes": "\(classes)"]
    }

    public var conditionalGenerator: any ConditionalGenerator { generator }
    public var conditionalDiscriminator: any ConditionalDiscriminator { discriminator }
}
