import SwiftGANEngine
import SwiftGANNN

/// The class-conditional GAN of Mirza & Osindero (2014) on MLPs: G(z, y) and D(x, y), trained
/// on labeled images (IDX label files, or the class folders of an image folder) with any of the
/// losses, several D steps, label smoothing and an EMA generator. Its sample panel has one row
/// per class.
public final class ConditionalGANRecipe: GANRecipe {
    public let config: TrainingConfig
    public let classes: Int
    public let sampleShape: [Int]
    public let generator: ConditionalMLPGenerator
    public let discriminator: ConditionalMLPDiscriminator
    public let ema: ExponentialMovingAverage?
    public let models: [NamedModel]
    public let optimizers: [NamedOptimizer]
    public var batchLayout: BatchLayout { .images }
    public var randomStreams: [String: RandomGenerator]
    public var counters: [String: Int] = [:]
    private let optimizerG: Adam, optimizerD: Adam
    /// DiffAugment of every input of D (`--diffaugment`; draws from `randomStreams["augment"]`).
    public let augment: DiffAugment
    private let parameterNames: (g: [String], d: [String])

    public static let family = ModelFamily(
        name: "cgan-mlp", summary: "the conditional GAN of Mirza & Osindero (MLPs, G(z, y) and D(x, y)) for labeled images",
        layout: .images, defaultShape: DataShape(sample: [1, 28, 28], classCount: 10),
        validate: { config in
            let unsupported = [("--spectral-norm", config.spectralNorm), ("--replay-buffer", config.replayBufferSize > 0),
                               ("--unrolled", config.unrolledSteps > 0), ("--instance-noise", config.instanceNoise > 0),
                               ("--gradient-penalty, --r1, --r2 and wgan-gp", config.effectiveGradientPenaltyWeight > 0 || config.r1Gamma > 0 || config.r2Gamma > 0),
                               ("--minibatch-stddev, --minibatch-discrimination", config.minibatchStdDev || config.minibatchDiscriminationKernels > 0)]
            if let (flag, _) = unsupported.first(where: \.1) { throw ConfigError("model cgan-mlp does not support \(flag)") }
        },
        makeGenerator: { metadata in
            var rng = RandomGenerator(seed: 0)
            let shape = metadata["swiftgan.sample_shape"]?.split(separator: ",").compactMap { Int($0) } ?? [1, 28, 28]
            let classes = try classCount(metadata)
            guard shape.count == 3, shape.allSatisfy({ $0 > 0 }) else { throw ConfigError("cgan-mlp weights record an unusable shape \(shape)") }
            return ConditionalMLPGenerator(classes: classes, imageShape: shape, generator: &rng)
        },
        makeRecipe: { config, shape in
            guard shape.classCount >= 2 else {
                throw ConfigError("model cgan-mlp trains on labeled images (class folders or IDX labels); the data has no classes")
            }
            return ConditionalGANRecipe(config: config, shape: shape)
        })

    public init(config: TrainingConfig, shape: DataShape) {
        self.config = config
        classes = shape.classCount
        sampleShape = shape.sample
        let pixels = shape.sample.reduce(1, *)
        var rng = RandomGenerator(seed: config.seed)
        generator = ConditionalMLPGenerator(classes: classes, imageShape: shape.sample, generator: &rng)
        discriminator = ConditionalMLPDiscriminator(classes: classes, pixels: pixels, generator: &rng)
        let pair = GeneratorDiscriminatorPair(config: config, generator: generator, discriminator: discriminator) {
            var copyRNG = RandomGenerator(seed: 0)
            return ConditionalMLPGenerator(classes: shape.classCount, imageShape: shape.sample, generator: &copyRNG)
        }
        (optimizerG, optimizerD, ema, models, optimizers) = (pair.optimizerG, pair.optimizerD, pair.ema, pair.models, pair.optimizers)
        parameterNames = (pair.parameterNames.generator, pair.parameterNames.discriminator)
        randomStreams = ["noise": RandomGenerator(seed: config.seed &+ 0x5EED_0001)]
        augment = config.diffAugmentation
    }

    public var movingAverages: [String: ExponentialMovingAverage] { ema.map { ["generator": $0] } ?? [:] }

    public var architectureMetadata: [String: String] {
        [WeightsMetadata.architecture: "cgan-mlp", "swiftgan.classes": "\(classes)",
         "swiftgan.sample_shape": sampleShape.map(String.init).joined(separator: ",")]
    }

    private func latents(_ n: Int) -> Tensor { randomStreams["noise"]!.normal([n, ConditionalMLPGenerator.latentDimension]) }

    /// Class indices from a batch's label tensor.
    static func indices(_ labels: Tensor) -> [Int] { labels.scalars.map { Int($0) } }

    public var splitsBatchesAcrossRanks: Bool { true }

    public func step(_ step: Int, diagnostics: Bool, nextBatch: () -> Batch) -> StepStatistics {
        var stats = StepStatistics(lossD: 0, lossG: 0, realScore: 0, fakeScore: 0)
        let loss = config.loss
        var labels: [Int] = []
        var lastReal = Tensor(scalar: 0)
        var count = 0
        for i in 0..<config.discriminatorSteps {
            // Drawn whole and split across data-parallel ranks (whole in a single process).
            let batch = nextBatch()
            count = batch.count
            let real = DataParallel.localRows(batch.real!.reshaped([batch.count, -1]))
            labels = DataParallel.localRows(Self.indices(batch.labels!))
            lastReal = real
            let fake = withNoGrad { generator(DataParallel.localRows(latents(count)), labels) }
            var realOut = real, fakeOut = fake
            let (lossD, grads) = valueAndGrad(optimizerD.parameters) {
                realOut = discriminator(augmented(real), labels)
                fakeOut = discriminator(augmented(fake), labels)
                return loss.discriminatorLoss(real: realOut, fake: fakeOut, realTarget: 1 - config.labelSmoothing)
            }
            stats.lossD = lossD.item
            stats.realScore = loss.meanScore(realOut)
            stats.fakeScore = loss.meanScore(fakeOut)
            if DataParallel.finiteEverywhere(lossD.item) { optimizerD.update(grads) }
            loss.constrainCritic(optimizerD.parameters)
            if diagnostics && i == config.discriminatorSteps - 1 {
                stats.recordGradientNorms(of: models[1], names: parameterNames.d, gradients: grads)
            }
        }
        // G draws classes as the data does: the last real batch's labels.
        let z = DataParallel.localRows(latents(count))
        let (lossG, gradsG) = valueAndGrad(optimizerG.parameters) {
            let fake = discriminator(augmented(generator(z, labels)), labels)
            return loss.generatorLoss(real: loss.generatorNeedsReal ? discriminator(augmented(lastReal), labels) : nil, fake: fake)
        }
        stats.lossG = lossG.item
        if diagnostics { stats.recordGradientNorms(of: models[0], names: parameterNames.g, gradients: gradsG) }
        if DataParallel.finiteEverywhere(lossG.item) { optimizerG.update(config.orthogonalRegularizer.adding(to: gradsG, of: generator)) }
        return stats
    }

    /// `x` as D sees it: DiffAugment'ed as images, then flat again (D takes pixels).
    private func augmented(_ x: Tensor) -> Tensor {
        augment.isEnabled ? augment(x.reshaped([x.shape[0]] + sampleShape), streams: &randomStreams).reshaped([x.shape[0], -1]) : x
    }

    public func panelInputs(count: Int, reference: Batch, generator rng: inout RandomGenerator) -> PanelInputs {
        PanelInputs.classRows(classes: classes, perClass: max(1, count / classes), latentDimension: ConditionalMLPGenerator.latentDimension,
                              generator: &rng)
    }

    public func panel(_ inputs: PanelInputs) -> Panel {
        Panel.classRows(inputs, generator: (ema?.average as? ConditionalMLPGenerator) ?? generator)
    }
}

extension Panel {
    /// A conditional generator's panel for `PanelInputs.classRows` inputs: one row per class, in
    /// class order, made in evaluation mode. Its diversity is measured within each class row
    /// when rows have two or more samples.
    public static func classRows(_ inputs: PanelInputs, generator g: any SampleableGenerator) -> Panel {
        let labels = ConditionalGANRecipe.indices(inputs.batch.labels!)
        let n = labels.count
        let perClass = n / max(g.classCount, 1)
        let images = inEvaluationMode([g]) { g.generate(inputs.latents!, labels: labels) }
        return Panel(images: images.reshaped([n] + (g.imageShape ?? g.sampleShape)), columns: perClass,
                     generated: images.reshaped([n, -1]), groups: perClass >= 2 ? labels : nil)
    }
}

extension PanelInputs {
    /// Latents for a class-conditional panel: `perClass` samples of each class, one row per
    /// class in class order.
    public static func classRows(classes: Int, perClass: Int, latentDimension: Int, generator rng: inout RandomGenerator) -> PanelInputs {
        let labels = (0..<classes).flatMap { Array(repeating: Float($0), count: perClass) }
        return PanelInputs(latents: rng.normal([labels.count, latentDimension]), batch: Batch(labels: Tensor(labels)))
    }
}
