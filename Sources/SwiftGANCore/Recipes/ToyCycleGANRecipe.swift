import SwiftGANEngine
import SwiftGANNN

/// CycleGAN's training scheme at its smallest, on 2-D points: two generators (G_AB: A → B,
/// G_BA: B → A) and two discriminators (D_A, D_B), one optimizer for both generators and one
/// for both discriminators, least-squares adversarial losses, the cycle-consistency loss
/// λ·(‖G_BA(G_AB(a)) - a‖₁ + ‖G_AB(G_BA(b)) - b‖₁), and learning rates decaying linearly to 0
/// over the second half of the run. It trains on unpaired 2-D data (`--dataset ring8-grid25`)
/// and exists to prove the trainer on a four-model, two-optimizer recipe quickly.
public final class ToyCycleGANRecipe: GANRecipe {
    public let config: TrainingConfig
    public let lambdaCycle: Float
    public let generatorAB: Sequential, generatorBA: Sequential
    public let discriminatorA: Sequential, discriminatorB: Sequential
    public let models: [NamedModel]
    public let optimizers: [NamedOptimizer]
    public var batchLayout: BatchLayout { .unpaired }
    public var lossNames: [String] { ["loss_cycle"] }
    public var randomStreams: [String: RandomGenerator] = [:]
    public var counters: [String: Int] = [:]
    private let optimizerG: Adam, optimizerD: Adam

    public static let family = ModelFamily(
        name: "toy-cycle", summary: "a tiny CycleGAN (two generators, two discriminators) on unpaired 2-D points",
        options: [ConfigField(option: "lambdaCycle", default: Float(10), help: "Weight λ of the cycle-consistency loss.")],
        layout: .unpaired, defaultDataset: "ring8-grid25", defaultShape: DataShape(sample: [2]),
        validate: { config in
            try config.requireNonNegative("lambdaCycle")
            if config.orthogonalRegularization > 0 { throw ConfigError("model toy-cycle does not support --orthogonal-reg") }
        },
        makeRecipe: { config, shape in
            guard shape.sample == [2] else { throw ConfigError("model toy-cycle trains on 2-D points; the data has \(shape.sample)") }
            return ToyCycleGANRecipe(config: config)
        })

    public init(config: TrainingConfig) {
        self.config = config
        lambdaCycle = config.option("lambdaCycle") ?? 10
        var rng = RandomGenerator(seed: config.seed)
        func mlp(_ outputs: Int) -> Sequential {
            Sequential(Linear(2, 64, generator: &rng), LeakyReLU(negativeSlope: 0.2), Linear(64, 64, generator: &rng), LeakyReLU(negativeSlope: 0.2),
                       Linear(64, outputs, generator: &rng))
        }
        generatorAB = mlp(2); generatorBA = mlp(2); discriminatorA = mlp(1); discriminatorB = mlp(1)
        let quartet = CycleQuartet(config: config, generatorAB: generatorAB, generatorBA: generatorBA,
                                   discriminatorA: discriminatorA, discriminatorB: discriminatorB)
        (models, optimizerG, optimizerD, optimizers) = (quartet.models, quartet.optimizerG, quartet.optimizerD, quartet.optimizers)
    }

    public func step(_ step: Int, diagnostics: Bool, nextBatch: () -> Batch) -> StepStatistics {
        let batch = nextBatch()
        let (a, b) = (batch.a!, batch.b!)
        var stats = StepStatistics(lossD: 0, lossG: 0, realScore: 0, fakeScore: 0)
        var fakeA = a, fakeB = b, cycle = Tensor(scalar: 0)
        let (lossG, gradsG) = valueAndGrad(optimizerG.parameters) {
            fakeB = generatorAB(a)
            fakeA = generatorBA(b)
            let adversarial = GANLoss.lsgan.generatorLoss(fake: discriminatorB(fakeB)) + GANLoss.lsgan.generatorLoss(fake: discriminatorA(fakeA))
            cycle = (generatorBA(fakeB) - a).abs().mean() + (generatorAB(fakeA) - b).abs().mean()
            return adversarial + cycle * lambdaCycle
        }
        optimizerG.update(gradsG)
        let (detachedA, detachedB) = (fakeA.detached(), fakeB.detached())
        var realScoreB = Tensor(scalar: 0), fakeScoreB = Tensor(scalar: 0)
        let (lossD, gradsD) = valueAndGrad(optimizerD.parameters) {
            realScoreB = discriminatorB(b)
            fakeScoreB = discriminatorB(detachedB)
            return GANLoss.lsgan.discriminatorLoss(real: realScoreB, fake: fakeScoreB)
                + GANLoss.lsgan.discriminatorLoss(real: discriminatorA(a), fake: discriminatorA(detachedA))
        }
        optimizerD.update(gradsD)
        stats.lossG = lossG.item
        stats.lossD = lossD.item
        stats.losses["loss_cycle"] = cycle.item
        stats.realScore = realScoreB.mean().item
        stats.fakeScore = fakeScoreB.mean().item
        if diagnostics {
            let split = generatorAB.parameters().count
            stats.recordGradientNorms(of: models[0], names: generatorAB.namedParameters().map(\.0), gradients: Array(gradsG.prefix(split)))
            let splitD = discriminatorA.parameters().count
            stats.recordGradientNorms(of: models[3], names: discriminatorB.namedParameters().map(\.0), gradients: Array(gradsD.dropFirst(splitD)))
        }
        return stats
    }

    public func panelInputs(count: Int, reference: Batch, generator rng: inout RandomGenerator) -> PanelInputs {
        PanelInputs(latents: nil, batch: reference)
    }

    /// G_AB applied to the fixed points of domain A.
    public func panel(_ inputs: PanelInputs) -> Panel {
        let out = inEvaluationMode([generatorAB]) { generatorAB(inputs.batch.a!) }
        return Panel(images: out, generated: out)
    }
}
