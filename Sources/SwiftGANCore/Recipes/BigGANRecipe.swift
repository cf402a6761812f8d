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
public final class BigGANRecipe: GANRecipe {
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
    private let parameterNames: (g: [String], d: [String])

    public static let family = ModelFamily(
        name: "biggan", summary: "BigGAN-lite (conditional BN, self-attention, shared embedding, hinge loss) for labeled 1×28×28 images",
        layout: .images, defaultShape: DataShape(sample: BigGANGenerator.imageShape, classCount: 10),
        defaults: ["loss": .string(GANLoss.hinge.rawValue), "learningRateD": .double(2e-4), "learningRateG": .double(5e-5),
                   "beta1": .double(0), "beta2": .double(0.999)],
        validate: validateConditionalDCGAN(name: "biggan"),
        makeGenerator: { metadata in
            let classes = metadata["swiftgan.classes"].flatMap { Int($0) } ?? 10
            guard classes > 1 else { throw ConfigError("the weights record an unusable class count \(metadata["swiftgan.classes"] ?? "")") }
            var rng = RandomGenerator(seed: 0)
            return BigGANGenerator(classes: classes, generator: &rng)
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
        optimizerG = config.adam(generator.parameters(), learningRate: config.learningRateG)
        optimizerD = config.adam(discriminator.parameters(), learningRate: config.learningRateD)
        parameterNames = (generator.namedParameters().map(\.0), discriminator.namedParameters().map(\.0))
        if let decay = config.emaDecay {
            var copyRNG = RandomGenerator(seed: 0)
            ema = try! ExponentialMovingAverage(of: generator, copy: BigGANGenerator(classes: classes, generator: &copyRNG), decay: decay)
        } else {
            ema = nil
        }
        models = [NamedModel("generator", generator, role: .generator), NamedModel("discriminator", discriminator, role: .discriminator)]
        optimizers = [NamedOptimizer("generator", optimizerG, updates: ["generator"], schedule: config.learningRateSchedule),
                      NamedOptimizer("discriminator", optimizerD, updates: ["discriminator"], schedule: config.learningRateSchedule)]
        randomStreams = ["noise": RandomGenerator(seed: config.seed &+ 0x5EED_0001)]
    }

    public var movingAverages: [String: ExponentialMovingAverage] { ema.map { ["generator": $0] } ?? [:] }

    public var architectureMetadata: [String: String] {
        [WeightsMetadata.architecture: "biggan", "swiftgan.classes": "\(classes)"]
    }

    private func latents(_ n: Int) -> Tensor { randomStreams["noise"]!.normal([n, BigGANGenerator.latentDimension]) }

    public func step(_ step: Int, diagnostics: Bool, nextBatch: () -> Batch) -> StepStatistics {
        var stats = StepStatistics(lossD: 0, lossG: 0, realScore: 0, fakeScore: 0)
        var labels: [Int] = []
        var lastReal = Tensor(scalar: 0)
        for i in 0..<config.discriminatorSteps {
            let batch = nextBatch()
            lastReal = batch.real!
            labels = ConditionalGANRecipe.indices(batch.labels!)
            let grads = discriminatorStep(real: lastReal, labels: labels, z: latents(labels.count), stats: &stats)
            if diagnostics && i == config.discriminatorSteps - 1 {
                stats.recordGradientNorms(of: models[1], names: parameterNames.d, gradients: grads)
            }
        }
        // G draws classes as the data does: the last real batch's labels (the reference's step).
        let gradsG = generatorStep(real: lastReal, labels: labels, z: latents(labels.count), stats: &stats)
        if diagnostics { stats.recordGradientNorms(of: models[0], names: parameterNames.g, gradients: gradsG) }
        return stats
    }

    /// One step on a real batch with its labels and given latents for the D and G halves (tests
    /// and comparisons with PyTorch).
    @discardableResult
    public func step(real: Tensor, labels: [Int], latents: (discriminatorStep: Tensor, generatorStep: Tensor)) -> StepStatistics {
        var stats = StepStatistics(lossD: 0, lossG: 0, realScore: 0, fakeScore: 0)
        _ = discriminatorStep(real: real, labels: labels, z: latents.discriminatorStep, stats: &stats)
        _ = generatorStep(real: real, labels: labels, z: latents.generatorStep, stats: &stats)
        return stats
    }

    /// D's update on `real` and the detached fakes G makes from `z` (G in training mode, as the
    /// reference's `torch.no_grad()` forward, which updates G's batch-norm statistics); returns
    /// D's gradients.
    public func discriminatorStep(real: Tensor, labels: [Int], z: Tensor, stats: inout StepStatistics) -> [Tensor] {
        let loss = config.loss
        let fake = withNoGrad { generator(z, labels) }
        var realOut = real, fakeOut = fake
        let (lossD, grads) = valueAndGrad(optimizerD.parameters) {
            realOut = discriminator(real, labels)
            fakeOut = discriminator(fake, labels)
            return loss.discriminatorLoss(real: realOut, fake: fakeOut, realTarget: 1 - config.labelSmoothing)
        }
        stats.lossD = lossD.item
        stats.realScore = loss.meanScore(realOut)
        stats.fakeScore = loss.meanScore(fakeOut)
        guard lossD.item.isFinite else { return grads }  // the trainer stops the run; keep weights sane
        optimizerD.update(grads)
        loss.constrainCritic(optimizerD.parameters)
        return grads
    }

    /// G's update through D on fakes from `z` with `labels`; returns G's gradients.
    public func generatorStep(real: Tensor, labels: [Int], z: Tensor, stats: inout StepStatistics) -> [Tensor] {
        let loss = config.loss
        let (lossG, grads) = valueAndGrad(optimizerG.parameters) {
            let fake = discriminator(generator(z, labels), labels)
            return loss.generatorLoss(real: loss.generatorNeedsReal ? discriminator(real, labels) : nil, fake: fake)
        }
        stats.lossG = lossG.item
        if lossG.item.isFinite { optimizerG.update(grads) }
        return grads
    }

    public func panelInputs(count: Int, reference: Batch, generator rng: inout RandomGenerator) -> PanelInputs {
        PanelInputs.classRows(classes: classes, perClass: max(1, count / classes), latentDimension: BigGANGenerator.latentDimension,
                              generator: &rng)
    }

    public func panel(_ inputs: PanelInputs) -> Panel {
        Panel.classRows(inputs, generator: (ema?.average as? BigGANGenerator) ?? generator)
    }
}
