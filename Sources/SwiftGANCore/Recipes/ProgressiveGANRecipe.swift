import SwiftGANEngine
import SwiftGANNN

/// Progressive growing (Karras et al., ProGAN; `--model progan`, or `--progressive`): `ProgressiveGenerator` and
/// `ProgressiveDiscriminator` trained at 4×4 first, each next level (8, 16, 32) faded in over
/// `--fade-images` training images and then trained as many more at full strength. The stage
/// follows from the images seen (the step count times the batch), so a resumed run, mid-fade or
/// not, continues exactly. Real images are shown at the active resolution and, during a fade,
/// blended from the previous one as G's images are. The losses are ProGAN's: WGAN-GP (λ 10) with
/// the drift term 0.001·E[D(real)²], Adam lr 0.001 with betas (0, 0.99); 28×28 data is padded to
/// 32×32 with background, as for StyleGAN.
public final class ProgressiveGANRecipe: GANRecipe {
    public let config: TrainingConfig
    public let generator: ProgressiveGenerator
    public let discriminator: ProgressiveDiscriminator
    public let optimizerG: Adam, optimizerD: Adam
    public let ema: ExponentialMovingAverage?
    public let models: [NamedModel]
    public let optimizers: [NamedOptimizer]
    public var batchLayout: BatchLayout { .images }
    public var noise: RandomGenerator
    public var regularizerNoise: RandomGenerator
    public private(set) var stepCount = 0
    public let fadeImages: Int
    public let padding: Int
    public static let driftWeight: Float = 0.001
    private let parameterNames: (generator: [String], discriminator: [String])

    public static let family = ModelFamily(
        name: "progan",
        summary: "progressive growing (ProGAN; also --progressive): 4×4 → 32×32 with fade-in, WGAN-GP; 28×28 data is padded",
        selectingSwitch: "progressive",
        options: [ConfigField(option: "fadeImages", default: 60_000, help: "Training images per fade-in, and per stable phase after it.")],
        layout: .images, defaultShape: DataShape(sample: [1, 32, 32]),
        defaults: ["loss": .string(GANLoss.wganGP.rawValue), "learningRateD": .double(0.001), "learningRateG": .double(0.001),
                   "beta1": .double(0), "beta2": .double(0.99), "batchSize": .int(32)],
        validate: { config in
            let group = min(StyleDiscriminatorEpilogue.groupSize, config.batchSize)
            if config.batchSize % group != 0 {
                throw ConfigError("--batch \(config.batchSize): progan's discriminator takes batches in groups of \(group) (minibatch standard deviation); use a multiple of \(group)")
            }
            if (config.option("fadeImages", as: Int.self) ?? 1) < 1 { throw ConfigError("--fade-images must be positive") }
            if config.spectralNorm || config.minibatchStdDev || config.minibatchDiscriminationKernels > 0 || config.unrolledSteps > 0
                || config.replayBufferSize > 0 || config.diffAugment.map({ !$0.isEmpty }) == true {
                throw ConfigError("progan does not take --spectral-norm, --minibatch-stddev (its D has one), --minibatch-discrimination, --unrolled, --replay-buffer or --diffaugment")
            }
        },
        makeGenerator: { metadata in
            var rng = RandomGenerator(seed: 0)
            let channels = Int(metadata[StyleGANRecipe.channelsKey] ?? "1") ?? 0
            guard channels == 1 || channels == 3 else { throw ConfigError("\(StyleGANRecipe.channelsKey) must be 1 or 3") }
            return ProgressiveGenerator(imageChannels: channels, generator: &rng)
        },
        makeRecipe: { config, shape in
            let s = shape.sample
            guard s.count == 3, s[0] == 1 || s[0] == 3, s[1] == s[2], s[1] == 32 || s[1] == 28 else {
                throw ConfigError("model progan makes 1×32×32 or 3×32×32 images (28×28 data is padded); the data has \(s)")
            }
            return ProgressiveGANRecipe(config: config, imageChannels: s[0], padding: (32 - s[1]) / 2)
        })

    public init(config: TrainingConfig, imageChannels: Int = 1, padding: Int = 2) {
        self.config = config
        self.padding = padding
        fadeImages = config.option("fadeImages", as: Int.self) ?? 60_000
        var rng = RandomGenerator(seed: config.seed)
        generator = ProgressiveGenerator(imageChannels: imageChannels, generator: &rng)
        discriminator = ProgressiveDiscriminator(imageChannels: imageChannels, generator: &rng)
        let pair = GeneratorDiscriminatorPair(config: config, generator: generator, discriminator: discriminator) {
            var copyRNG = RandomGenerator(seed: 0)
            return ProgressiveGenerator(imageChannels: imageChannels, generator: &copyRNG)
        }
        (optimizerG, optimizerD, ema, models, optimizers) = (pair.optimizerG, pair.optimizerD, pair.ema, pair.models, pair.optimizers)
        parameterNames = pair.parameterNames
        noise = RandomGenerator(seed: config.seed &+ 0x5EED_0001)
        regularizerNoise = RandomGenerator(seed: config.seed &+ 0x5EED_0002)
    }

    public var movingAverages: [String: ExponentialMovingAverage] { ema.map { ["generator": $0] } ?? [:] }

    public var architectureMetadata: [String: String] {
        [WeightsMetadata.architecture: "progan", StyleGANRecipe.channelsKey: String(generator.imageChannels)]
    }

    public var randomStreams: [String: RandomGenerator] {
        get { ["noise": noise, "regularizer": regularizerNoise] }
        set {
            noise = newValue["noise"] ?? noise
            regularizerNoise = newValue["regularizer"] ?? regularizerNoise
        }
    }

    public var counters: [String: Int] {
        get { ["steps": stepCount] }
        set { stepCount = newValue["steps"] ?? 0 }
    }

    /// The stage for the step after `steps` steps of `batch` images.
    public func stage(afterSteps steps: Int, batch: Int) -> GrowthStage {
        GrowthStage.after(images: steps * batch, fadeImages: fadeImages, maximumLevel: generator.maximumLevel)
    }

    /// Real images [n, C, 32, 32] as D sees them at `stage`: at its resolution (and back to 32×32
    /// by nearest neighbour, which D's pooling undoes), blended from the previous resolution
    /// during a fade, as G's images are.
    public func realImages(_ x: Tensor, at stage: GrowthStage) -> Tensor {
        withNoGrad {
            let factor = 32 / stage.side
            let current = factor == 1 ? x : x.avgPool2d(kernel: (factor, factor))
            var shown = current
            if stage.isFading {
                shown = current.fadedIn(over: current.avgPool2d(kernel: (2, 2)).upsample(scale: (2, 2)), alpha: stage.alpha)
            }
            return factor == 1 ? shown : shown.upsample(scale: (Float(factor), Float(factor)))
        }
    }

    public func step(_ step: Int, diagnostics: Bool, nextBatch: () -> Batch) -> StepStatistics {
        let real = StyleGANRecipe.padded(nextBatch().real!, by: padding)
        let n = real.shape[0]
        let stage = self.stage(afterSteps: stepCount, batch: n)
        for model in [generator as Module, discriminator] + (ema.map { [$0.average] } ?? []) {
            (model as? ProgressiveGenerator)?.stage = stage
            (model as? ProgressiveDiscriminator)?.stage = stage
        }
        var stats = StepStatistics(lossD: 0, lossG: 0, realScore: 0, fakeScore: 0)
        stats.extra["level"] = Float(stage.level)
        stats.extra["alpha"] = stage.alpha

        let shown = realImages(real, at: stage)
        let fake = withNoGrad { generator(noise.normal([n, ProgressiveGenerator.latentDimension])) }
        var realOut = shown, fakeOut = fake
        let (lossD, gradsD) = valueAndGrad(optimizerD.parameters) {
            realOut = discriminator(shown)
            fakeOut = discriminator(fake)
            var loss = config.loss.discriminatorLoss(real: realOut, fake: fakeOut)
            let lambda = config.effectiveGradientPenaltyWeight
            if lambda > 0 {
                loss = loss + Regularizers.gradientPenalty(discriminator, real: shown, fake: fake, generator: &regularizerNoise) * lambda
            }
            if config.loss == .wganGP || config.loss == .wgan { loss = loss + realOut.pow(2).mean() * Self.driftWeight }
            return loss
        }
        stats.lossD = lossD.item
        stats.realScore = config.loss.meanScore(realOut)
        stats.fakeScore = config.loss.meanScore(fakeOut)
        if diagnostics { stats.recordGradientNorms(of: models[1], names: parameterNames.discriminator, gradients: gradsD) }
        if lossD.item.isFinite {
            optimizerD.update(gradsD)
            config.loss.constrainCritic(optimizerD.parameters)
        }

        let z = noise.normal([n, ProgressiveGenerator.latentDimension])
        let (lossG, gradsG) = valueAndGrad(optimizerG.parameters) {
            config.loss.generatorLoss(real: config.loss.generatorNeedsReal ? discriminator(shown) : nil, fake: discriminator(generator(z)))
        }
        stats.lossG = lossG.item
        if diagnostics { stats.recordGradientNorms(of: models[0], names: parameterNames.generator, gradients: gradsG) }
        if lossG.item.isFinite { optimizerG.update(gradsG) }
        stepCount += 1
        return stats
    }

    public func panelInputs(count: Int, reference: Batch, generator rng: inout RandomGenerator) -> PanelInputs {
        PanelInputs(latents: rng.normal([count, ProgressiveGenerator.latentDimension]), batch: reference)
    }

    public func panel(_ inputs: PanelInputs) -> Panel {
        let g = (ema?.average as? ProgressiveGenerator) ?? generator
        let images = inEvaluationMode([g]) { g(inputs.latents!) }.clamp(min: -1, max: 1)
        return Panel(images: images, generated: images.reshaped([images.shape[0], -1]))
    }
}

extension ProgressiveGenerator: SampleableGenerator {
    public var latentDimension: Int { Self.latentDimension }
    public var sampleShape: [Int] { imageShape }
    public func generate(_ z: Tensor, labels: [Int]?) -> Tensor { self(z) }
}
