import SwiftGANEngine
import SwiftGANNN

/// What the class-conditional recipes of one generator and one discriminator (cgan, acgan,
/// biggan) keep alike: the settings and class count, both optimizers, the moving average of G,
/// the named models and optimizers, the `noise` stream of latents, DiffAugment, and a sample
/// panel of one row per class drawn from G (its moving average when there is one). A family
/// subclasses it with its typed models, its `ModelFamily` entry and its D and G halves.
public class ConditionalPairRecipe {
    public let config: TrainingConfig
    public let classes: Int
    public let optimizerG: Adam, optimizerD: Adam
    public let ema: ExponentialMovingAverage?
    public let models: [NamedModel]
    public let optimizers: [NamedOptimizer]
    public var randomStreams: [String: RandomGenerator]
    public var counters: [String: Int] = [:]
    /// DiffAugment of every input of D (`--diffaugment`; draws from `randomStreams["augment"]`).
    public let augment: DiffAugment
    private let sampledGenerator: any SampleableGenerator

    /// `makeGenerator` builds another generator of the same architecture from a random stream,
    /// to hold the moving average (called only when `--ema` asks for one).
    init<G: SampleableGenerator>(config: TrainingConfig, classes: Int, generator: G, discriminator: Module,
                                 makeGenerator: @escaping (inout RandomGenerator) -> G) {
        self.config = config
        self.classes = classes
        let pair = GeneratorDiscriminatorPair(config: config, generator: generator, discriminator: discriminator) {
            var rng = RandomGenerator(seed: 0)
            return makeGenerator(&rng)
        }
        (optimizerG, optimizerD, ema, models, optimizers) = (pair.optimizerG, pair.optimizerD, pair.ema, pair.models, pair.optimizers)
        randomStreams = ["noise": RandomGenerator(seed: config.seed &+ 0x5EED_0001)]
        augment = config.diffAugmentation
        sampledGenerator = generator
    }

    public var batchLayout: BatchLayout { .images }
    public var latentDimension: Int { sampledGenerator.latentDimension }
    public var movingAverages: [String: ExponentialMovingAverage] { ema.map { ["generator": $0] } ?? [:] }

    public func panelInputs(count: Int, reference: Batch, generator rng: inout RandomGenerator) -> PanelInputs {
        PanelInputs.classRows(classes: classes, perClass: max(1, count / classes), latentDimension: latentDimension, generator: &rng)
    }

    public func panel(_ inputs: PanelInputs) -> Panel {
        Panel.classRows(inputs, generator: (ema?.average as? any SampleableGenerator) ?? sampledGenerator)
    }
}
