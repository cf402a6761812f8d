import SwiftGANEngine

/// The shape of the data a run trains on, as a recipe needs it to build its models.
public struct DataShape: Equatable, Sendable {
    /// [channels, height, width] of an image, or [2] for 2-D points.
    public var sample: [Int]
    /// The number of classes of labeled data; 0 when unlabeled.
    public var classCount: Int

    public init(sample: [Int], classCount: Int = 0) {
        self.sample = sample
        self.classCount = classCount
    }
}

/// A trainable model by name: what `--model NAME` builds. It declares its own settings, the
/// batch layout it trains on, and how to build its recipe for the data at hand.
public struct ModelFamily: @unchecked Sendable {
    public let name: String
    /// One line for `--help`.
    public let summary: String
    /// The family's own settings (flags and JSON fields beyond `TrainingConfig.fields`).
    public let options: [ConfigField]
    /// Values of common settings, by JSON key, that replace the global defaults for this family
    /// (BigGAN's hinge loss and learning rates); a config file and flags still override them.
    public let defaults: [String: JSONValue]
    public let layout: BatchLayout
    /// The smallest batch the family trains on: 2 where batch norm needs two samples to
    /// normalize, 1 where each image is normalized alone (instance norm: Pix2Pix, CycleGAN).
    public let minimumBatchSize: Int
    /// The dataset used when the configuration names none and gives no directory.
    public let defaultDataset: String
    /// The data shape the family is built for by default (benchmarks time it on random data of
    /// this shape).
    public let defaultShape: DataShape
    /// Checks settings the family cannot use, with a message that names them.
    public let validate: (TrainingConfig) throws -> Void
    /// Builds the recipe for data of `shape`.
    public let makeRecipe: (TrainingConfig, DataShape) throws -> any GANRecipe
    /// Builds an untrained generator to sample from, as a weights file's metadata describes it
    /// (empty for a file without SwiftGAN metadata: the family's defaults); nil for families
    /// without a latent generator.
    public let makeGenerator: (([String: String]) throws -> any SampleableGenerator)?
    /// Builds an untrained image-to-image generator, as a weights file's metadata describes it;
    /// nil for families that do not translate images.
    public let makeTranslator: (([String: String]) throws -> any ImageTranslator)?
    /// A switch that selects this family as `--model name` does (progan: `--progressive`); nil
    /// for none.
    public let selectingSwitch: String?
    /// Whether a discriminator is trained against the generator (false for the VAE): the alarms
    /// and the doctor's checks that read D's loss apply only then.
    public let isAdversarial: Bool

    public init(name: String, summary: String, selectingSwitch: String? = nil, isAdversarial: Bool = true, options: [ConfigField] = [],
                layout: BatchLayout,
                minimumBatchSize: Int = 2,
                defaultDataset: String = "mnist",
                defaultShape: DataShape, defaults: [String: JSONValue] = [:],
                validate: @escaping (TrainingConfig) throws -> Void = { _ in },
                makeGenerator: (([String: String]) throws -> any SampleableGenerator)? = nil,
                makeTranslator: (([String: String]) throws -> any ImageTranslator)? = nil,
                makeRecipe: @escaping (TrainingConfig, DataShape) throws -> any GANRecipe) {
        self.name = name
        self.summary = summary
        self.selectingSwitch = selectingSwitch
        self.isAdversarial = isAdversarial
        self.options = options
        self.layout = layout
        self.minimumBatchSize = minimumBatchSize
        self.defaultDataset = defaultDataset
        self.defaultShape = defaultShape
        self.defaults = defaults
        self.validate = validate
        self.makeGenerator = makeGenerator
        self.makeTranslator = makeTranslator
        self.makeRecipe = makeRecipe
    }
}

/// Every model `swiftgan train --model` knows, listed by `--help`. A new family adds its file
/// (recipe and layers) and one entry here.
public enum ModelRegistry {
    public static let families: [ModelFamily] = GANModelKind.allCases.map(ClassicGANRecipe.family)
        + [ConditionalGANRecipe.family, ConditionalDCGANRecipe.family, ACGANRecipe.family, BigGANRecipe.family, Pix2PixRecipe.family,
           CycleGANRecipe.family, ToyCycleGANRecipe.family, StyleGANRecipe.family, ProgressiveGANRecipe.family, VAERecipe.family]

    public static var names: [String] { families.map(\.name) }

    public static func family(named name: String) throws -> ModelFamily {
        guard let family = families.first(where: { $0.name == name }) else {
            throw ConfigError("unknown model '\(name)' (choose from \(names.joined(separator: ", ")))")
        }
        return family
    }

    /// One line per model, for `--help`.
    public static var help: String {
        families.map { "  \($0.name.padding(toLength: 11, withPad: " ", startingAt: 0)) \($0.summary)" }.joined(separator: "\n")
    }
}

extension ClassicGANRecipe {
    /// The family of a classic architecture.
    static func family(_ kind: GANModelKind) -> ModelFamily {
        ModelFamily(name: kind.rawValue, summary: kind.summary, layout: .images,
                    defaultDataset: kind == .toy ? "ring8" : kind.makesImages && kind.imageShape[0] == 3 ? "folder" : "mnist",
                    defaultShape: DataShape(sample: kind.imageShape),
                    validate: { config in
            if config.minibatchDiscriminationKernels > 0 && !kind.takesFlatImages {
                throw ConfigError("minibatch discrimination needs a flat-feature discriminator (mlp or toy), not \(kind.rawValue)")
            }
            let toyData = config.dataset.flatMap(ToyDistribution.init(rawValue:)) != nil
            if kind == .toy ? (config.dataset != nil && !toyData) : toyData {
                throw ConfigError("model \(kind.rawValue) cannot train on dataset \(config.dataset!)")
            }
        }, makeGenerator: { _ in
            var rng = RandomGenerator(seed: 0)
            return kind.makeGenerator(generator: &rng)
        }, makeRecipe: { config, shape in
            // A DCGAN takes the layout that fits the data (dcgan on 3×32×32 images is dcgan32).
            let fitting = kind != .dcgan ? kind
                : GANModelKind.allCases.first { $0.dcganLayout != nil && $0.imageShape == shape.sample } ?? kind
            guard fitting.imageShape == shape.sample else {
                throw ConfigError("model \(kind.rawValue) makes samples of shape \(kind.imageShape); the data has \(shape.sample)"
                                  + (kind.dcganLayout != nil ? " (DCGANs take 1×28×28, 3×32×32 or 3×64×64; see --channels and --resolution)" : ""))
            }
            return ClassicGANRecipe(config: config, architecture: fitting)
        })
    }
}
