import SwiftGANEngine
import SwiftGANNN

/// CycleGAN (`--model cyclegan`, Zhu et al.): unpaired translation between domains A and B
/// with the peer zoo's `cyclegan_models()` twice over: ResNet generators G_AB: A → B and
/// G_BA: B → A, PatchGAN discriminators D_A and D_B. One step is torch_zoo_step.py's cyclegan
/// step: G's loss for both generators together, the least-squares adversarial terms
/// ‖D_B(G_AB(a)) − 1‖² + ‖D_A(G_BA(b)) − 1‖², plus λ·(‖G_BA(G_AB(a)) − a‖₁ + ‖G_AB(G_BA(b)) − b‖₁)
/// (`--lambda-cycle`, 10), plus the identity terms λ·μ·(‖G_AB(b) − b‖₁ + ‖G_BA(a) − a‖₁)
/// (`--lambda-identity` μ, 0.5), one update of both; then each D's least-squares loss, halved, on
/// its real domain and on a fake drawn from a pool of 50 past fakes (`--pool-size`, CycleGAN's
/// image pool; 0: the fresh fakes), one update of both. Adam at 2e-4, betas (0.5, 0.999), the
/// learning rates constant for the first half of the run and then decaying linearly to 0
/// (`--lr-decay-from` moves the start). The panel shows A | G_AB(A) | G_BA(G_AB(A)) | B |
/// G_BA(B) | G_AB(G_BA(B)) rows. `--lambda-cycle 0` is the ablation without cycle consistency
/// (the identity terms, scaled by λ, vanish with it, as in the reference).
public final class CycleGANRecipe: GANRecipe {
    public let config: TrainingConfig
    /// The side of the training images (what translation pads smaller inputs up to).
    public let side: Int
    public let generatorAB: ResnetGenerator, generatorBA: ResnetGenerator
    public let discriminatorA: PatchDiscriminator, discriminatorB: PatchDiscriminator
    public let lambdaCycle: Float, lambdaIdentity: Float
    /// The pools of past fakes shown to D_A and D_B (nil with `--pool-size 0`).
    public let poolA: ReplayBuffer?, poolB: ReplayBuffer?
    public let optimizerG: Adam, optimizerD: Adam
    public let models: [NamedModel]
    public let optimizers: [NamedOptimizer]
    public var batchLayout: BatchLayout { .unpaired }
    public var lossNames: [String] { ["loss_gan", "loss_cycle", "loss_identity"] }
    public var counters: [String: Int] = [:]

    public static let family = ModelFamily(
        name: "cyclegan", summary: "CycleGAN: two ResNet generators and two PatchGAN Ds for unpaired translation A ↔ B (mnist-thin2thick, trainA/ trainB/)",
        options: [ConfigField(option: "lambdaCycle", default: Float(10), help: "Weight λ of the cycle-consistency loss (0: none, the ablation)."),
                  ConfigField(option: "lambdaIdentity", default: Float(0.5), help: "Weight of the identity loss, as a multiple of λ (0: none)."),
                  ConfigField(option: "poolSize", default: 50, help: "Past fakes kept for each discriminator (CycleGAN's image pool; 0: none).")],
        layout: .unpaired, minimumBatchSize: 1, defaultDataset: "mnist-thin2thick", defaultShape: DataShape(sample: [1, 32, 32]),
        defaults: ["loss": .string(GANLoss.lsgan.rawValue), "learningRateG": .double(2e-4), "batchSize": .int(8)],
        validate: { config in
            try config.requireNonNegative("lambdaCycle", "lambdaIdentity")
            let pool = config.option("poolSize", as: Int.self) ?? 0
            if pool < 0 || pool > 100_000 { throw ConfigError("--pool-size [poolSize] must be between 0 and 100000, got \(pool)") }
            if config.loss != .lsgan { throw ConfigError("model cyclegan trains with the least-squares loss (--loss lsgan), not \(config.loss.rawValue)") }
            try validateTranslation(config, name: "cyclegan")
        },
        makeTranslator: { metadata in
            var rng = RandomGenerator(seed: 0)
            return ResnetGenerator(channels: try translationChannels(metadata), generator: &rng)
        },
        makeRecipe: { config, shape in
            try checkTranslationData(shape, name: "cyclegan", sideMultiple: ResnetGenerator.sideMultiple)
            return CycleGANRecipe(config: config, channels: shape.sample[0], side: shape.sample[1])
        })

    public init(config: TrainingConfig, channels: Int, side: Int = 32) {
        self.config = config
        self.side = side
        lambdaCycle = config.option("lambdaCycle") ?? 10
        lambdaIdentity = config.option("lambdaIdentity") ?? 0.5
        var rng = RandomGenerator(seed: config.seed)
        generatorAB = ResnetGenerator(channels: channels, generator: &rng)
        generatorBA = ResnetGenerator(channels: channels, generator: &rng)
        discriminatorA = PatchDiscriminator(inChannels: channels, generator: &rng)
        discriminatorB = PatchDiscriminator(inChannels: channels, generator: &rng)
        let poolSize: Int = config.option("poolSize") ?? 50
        poolA = poolSize > 0 ? ReplayBuffer(capacity: poolSize, seed: config.seed &+ 0x900_0A) : nil
        poolB = poolSize > 0 ? ReplayBuffer(capacity: poolSize, seed: config.seed &+ 0x900_0B) : nil
        let quartet = CycleQuartet(config: config, generatorAB: generatorAB, generatorBA: generatorBA,
                                   discriminatorA: discriminatorA, discriminatorB: discriminatorB)
        (models, optimizerG, optimizerD, optimizers) = (quartet.models, quartet.optimizerG, quartet.optimizerD, quartet.optimizers)
    }

    public var randomStreams: [String: RandomGenerator] {
        get {
            var streams: [String: RandomGenerator] = [:]
            if let poolA, let poolB { streams["pool_A"] = poolA.generator; streams["pool_B"] = poolB.generator }
            return streams
        }
        set {
            if let g = newValue["pool_A"] { poolA?.generator = g }
            if let g = newValue["pool_B"] { poolB?.generator = g }
        }
    }

    public func stateTensors() -> [String: Tensor] {
        var tensors: [String: Tensor] = [:]
        if let a = poolA?.stacked() { tensors["pool_A.samples"] = a }
        if let b = poolB?.stacked() { tensors["pool_B.samples"] = b }
        return tensors
    }

    public func restoreStateTensors(_ tensors: [String: Tensor]) throws {
        poolA.map { $0.restore(samples: tensors["pool_A.samples"], generator: $0.generator) }
        poolB.map { $0.restore(samples: tensors["pool_B.samples"], generator: $0.generator) }
    }

    public var architectureMetadata: [String: String] {
        [WeightsMetadata.architecture: "cyclegan", "swiftgan.channels": "\(generatorAB.channels)",
         "swiftgan.side": "\(side)"]
    }

    /// The least-squares loss of scores against a target label, ‖s − t‖² averaged.
    static func leastSquares(_ scores: Tensor, _ target: Float) -> Tensor { (scores - target).pow(2).mean() }

    public func step(_ step: Int, diagnostics: Bool, nextBatch: () -> Batch) -> StepStatistics {
        let batch = nextBatch()
        var stats = StepStatistics(lossD: 0, lossG: 0, realScore: 0, fakeScore: 0)
        let (fakeA, fakeB, gradsG) = generatorStep(a: batch.a!, b: batch.b!, stats: &stats)
        let gradsD = discriminatorStep(a: batch.a!, b: batch.b!, fakeA: poolA?.query(fakeA) ?? fakeA,
                                       fakeB: poolB?.query(fakeB) ?? fakeB, stats: &stats)
        if diagnostics {
            let splitG = generatorAB.parameters().count, splitD = discriminatorA.parameters().count
            for (model, names, grads) in [(models[0], generatorAB, Array(gradsG.prefix(splitG))), (models[1], generatorBA, Array(gradsG.dropFirst(splitG))),
                                          (models[2], discriminatorA, Array(gradsD.prefix(splitD))), (models[3], discriminatorB, Array(gradsD.dropFirst(splitD)))]
                as [(NamedModel, Module, [Tensor])] {
                stats.recordGradientNorms(of: model, names: names.namedParameters().map(\.0), gradients: grads)
            }
        }
        return stats
    }

    /// Both generators' half of the step and their update; returns the fakes G_BA(b) and
    /// G_AB(a), detached, for D's half, and the gradients.
    @discardableResult
    public func generatorStep(a: Tensor, b: Tensor, stats: inout StepStatistics) -> (fakeA: Tensor, fakeB: Tensor, gradients: [Tensor]) {
        var fakeA = a, fakeB = b
        var adversarial = Tensor(scalar: 0), cycle = Tensor(scalar: 0), identity = Tensor(scalar: 0)
        let (lossG, gradsG) = valueAndGrad(optimizerG.parameters) {
            fakeB = generatorAB(a)
            fakeA = generatorBA(b)
            adversarial = Self.leastSquares(discriminatorB(fakeB), 1) + Self.leastSquares(discriminatorA(fakeA), 1)
            var total = adversarial
            if lambdaCycle > 0 {
                cycle = (generatorBA(fakeB) - a).abs().mean() + (generatorAB(fakeA) - b).abs().mean()
                total = total + cycle * lambdaCycle
                if lambdaIdentity > 0 {
                    identity = (generatorAB(b) - b).abs().mean() + (generatorBA(a) - a).abs().mean()
                    total = total + identity * (lambdaCycle * lambdaIdentity)
                }
            }
            return total
        }
        optimizerG.update(gradsG)
        stats.lossG = lossG.item
        stats.losses["loss_gan"] = adversarial.item
        stats.losses["loss_cycle"] = cycle.item
        stats.losses["loss_identity"] = identity.item
        return (fakeA.detached(), fakeB.detached(), gradsG)
    }

    /// Both discriminators' half: each one's least-squares loss on its real domain and the fakes
    /// given, halved, and one update of both. Reports D_B's scores.
    @discardableResult
    public func discriminatorStep(a: Tensor, b: Tensor, fakeA: Tensor, fakeB: Tensor, stats: inout StepStatistics) -> [Tensor] {
        var realScoreB = Tensor(scalar: 0), fakeScoreB = Tensor(scalar: 0)
        let (lossD, gradsD) = valueAndGrad(optimizerD.parameters) {
            realScoreB = discriminatorB(b)
            fakeScoreB = discriminatorB(fakeB)
            let lossA = Self.leastSquares(discriminatorA(a), 1) + Self.leastSquares(discriminatorA(fakeA), 0)
            let lossB = Self.leastSquares(realScoreB, 1) + Self.leastSquares(fakeScoreB, 0)
            return (lossA + lossB) * 0.5
        }
        optimizerD.update(gradsD)
        stats.lossD = lossD.item
        stats.realScore = realScoreB.mean().item
        stats.fakeScore = fakeScoreB.mean().item
        return gradsD
    }

    public func panelInputs(count: Int, reference: Batch, generator rng: inout RandomGenerator) -> PanelInputs {
        PanelInputs.translationRows(count: count, columns: 6, reference: reference)
    }

    /// Rows of A | G_AB(A) | G_BA(G_AB(A)) | B | G_BA(B) | G_AB(G_BA(B)) in evaluation mode.
    public func panel(_ inputs: PanelInputs) -> Panel {
        let (a, b) = (inputs.batch.a!, inputs.batch.b!)
        return inEvaluationMode([generatorAB, generatorBA]) {
            let toB = generatorAB(a), toA = generatorBA(b)
            return Panel.rows([a, toB, generatorBA(toB), b, toA, generatorAB(toA)], generated: toB)
        }
    }
}
