import Foundation
import SwiftGANEngine
import SwiftGANNN

/// StyleGAN2-lite (`--model stylegan`): the peer zoo's `stylegan_models()` trained as
/// stylegan2-ada-pytorch's small-image (`cifar`) configuration: the non-saturating loss, R1 on
/// real images every 16 D steps (γ 0.01, scaled by the interval), Adam with learning rate
/// 0.0025 and betas (0, 0.99) for both networks, random per-pixel noise in training, and a
/// moving average of G whose half-life is 500k images, ramped up as 5% of the images seen
/// (`--ema-kimg`, `--ema-rampup`; a fixed `--ema` decay replaces the schedule). Style mixing
/// (`--style-mixing 0.9`) and path-length regularization (`--path-length 2`) are options, off
/// by default as in that configuration.
///
/// A step is torch_zoo_step.py's stylegan step: fakes made without recording, D's loss on them
/// and the real batch (plus R1 on its steps), a D update, then G's loss through D on fresh
/// latents and a G update. Both G calls are in training mode, so each moves `w_avg`. R1 is
/// added to the D update of its step rather than taken as a separate update, as this project's
/// other recipes do, and the learning rates and betas are used as given (stylegan2-ada scales
/// them by interval/(interval + 1) for its separate regularization updates).
///
/// The networks make 32×32 images; 28×28 data (MNIST, Fashion-MNIST) is padded by 2 pixels
/// of background (-1) on each side.
public final class StyleGANRecipe: GANRecipe {
    public let config: TrainingConfig
    public let generator: StyleGANGenerator
    public let discriminator: StyleGANDiscriminator
    public let optimizerG: Adam, optimizerD: Adam
    public let ema: ExponentialMovingAverage?
    public let models: [NamedModel]
    public let optimizers: [NamedOptimizer]
    public var batchLayout: BatchLayout { .images }
    /// Latents, random noise and style-mixing draws.
    public var noise: RandomGenerator
    /// Noise of the path-length regularizer.
    public var regularizerNoise: RandomGenerator
    /// The training-time synthesis noise (`--noise random` in training); tests set `.constant`.
    public var trainingNoise: SynthesisNoise
    public var discriminatorStepCount = 0
    public private(set) var stepCount = 0
    /// The running mean of path lengths (`pl_mean`).
    public let pathLengthMean = Tensor.zeros([])
    /// Pixels padded on each side of the data's images to make them 32×32.
    public let padding: Int
    public let styleMixing: Float
    public let pathLengthWeight: Float
    public let emaHalfLifeImages: Float
    public let emaRampup: Float
    /// ADA (`--ada`, or a fixed `--augment-p`): the pipeline, p and its heuristic; nil when off.
    public private(set) var augmentation: AdaptiveAugmentation?
    /// The stream augmentations draw from.
    public var augmentNoise: RandomGenerator
    private let parameterNames: (generator: [String], discriminator: [String])

    /// The interval of the path-length regularizer, in G steps (lazy, as StyleGAN2's).
    public static let pathLengthInterval = 4

    public static let family = ModelFamily(
        name: "stylegan",
        summary: "StyleGAN2-lite (mapping network, modulated convolutions, noise, skip toRGB; lazy R1, EMA) for 32×32 images; 28×28 data is padded",
        options: [ConfigField(option: "styleMixing", default: Float(0), help: "Probability of style mixing in training (StyleGAN2: 0.9; 0: off)."),
                  ConfigField(option: "pathLength", default: Float(0), help: "Weight of path-length regularization, every 4 G steps (StyleGAN2: 2; 0: off)."),
                  ConfigField(option: "emaKimg", default: Float(500), help: "Half-life of G's moving average in thousands of images (0: no average)."),
                  ConfigField(option: "emaRampup", default: Float(0.05), help: "Ramp-up of the half-life: at most this fraction of the images seen (0: none)."),
                  ConfigField(option: "ada", default: false, help: "Adaptive discriminator augmentation (ADA): p follows the overfitting heuristic r_t."),
                  ConfigField(option: "adaTarget", default: Float(0.6), help: "ADA's target for r_t = E[sign(D(real))]."),
                  ConfigField(option: "adaKimg", default: Float(500), help: "ADA's speed: thousands of images for p to move by 1."),
                  ConfigField(option: "adaPipeline", default: "bgc", help: "ADA's transforms: blit, geom, color, bg or bgc."),
                  ConfigField(option: "augmentP", default: Float(0), help: "Augmentation probability at the start (ADA), or fixed without --ada.")],
        layout: .images, defaultShape: DataShape(sample: [1, 32, 32]),
        defaults: ["loss": .string(GANLoss.nonSaturating.rawValue), "learningRateD": .double(0.0025), "learningRateG": .double(0.0025),
                   "beta1": .double(0), "beta2": .double(0.99), "r1Gamma": .double(0.01), "regularizationInterval": .int(16),
                   "batchSize": .int(32)],
        validate: { config in
            let batch = config.batchSize, group = min(StyleDiscriminatorEpilogue.groupSize, config.batchSize)
            if batch % group != 0 {
                throw ConfigError("--batch \(batch): stylegan's discriminator takes batches in groups of \(group) (minibatch standard deviation); use a multiple of \(group)")
            }
            if config.spectralNorm || config.minibatchStdDev || config.minibatchDiscriminationKernels > 0 || config.unrolledSteps > 0
                || config.replayBufferSize > 0 || config.gradientPenaltyWeight > 0 || config.loss == .wganGP || config.diffAugment.map({ !$0.isEmpty }) == true {
                throw ConfigError("stylegan trains with its own regularizers (R1, EMA, --style-mixing, --path-length); it does not take --spectral-norm, --minibatch-stddev, --minibatch-discrimination, --unrolled, --replay-buffer, --gradient-penalty, wgan-gp or --diffaugment")
            }
            if !(0...1).contains(config.option("styleMixing", as: Float.self) ?? 0) { throw ConfigError("--style-mixing must be a probability in [0, 1]") }
            try config.requireNonNegative("pathLength", "emaKimg", "emaRampup")
            try validateAugmentation(config)
        },
        makeGenerator: { metadata in
            var rng = RandomGenerator(seed: 0)
            let channels = Int(metadata[channelsKey] ?? "1") ?? 0
            guard channels == 1 || channels == 3 else { throw ConfigError("\(channelsKey) must be 1 or 3, got \(metadata[channelsKey]!)") }
            return StyleGANGenerator(imageChannels: channels, generator: &rng)
        },
        makeRecipe: { config, shape in
            let s = shape.sample
            guard s.count == 3, s[0] == 1 || s[0] == 3, s[1] == s[2], s[1] == 32 || s[1] == 28 else {
                throw ConfigError("model stylegan makes 1×32×32 or 3×32×32 images (28×28 data is padded); the data has \(s)"
                                  + " (see --channels and --resolution)")
            }
            return StyleGANRecipe(config: config, imageChannels: s[0], padding: (32 - s[1]) / 2)
        })

    /// The metadata key of the image channels.
    public static let channelsKey = "swiftgan.channels"

    public init(config: TrainingConfig, imageChannels: Int = 1, padding: Int = 2) {
        self.config = config
        self.padding = padding
        var rng = RandomGenerator(seed: config.seed)
        generator = StyleGANGenerator(imageChannels: imageChannels, generator: &rng)
        discriminator = StyleGANDiscriminator(imageChannels: imageChannels, generator: &rng)
        styleMixing = config.option("styleMixing", as: Float.self) ?? 0
        pathLengthWeight = config.option("pathLength", as: Float.self) ?? 0
        emaHalfLifeImages = (config.option("emaKimg", as: Float.self) ?? 500) * 1000
        emaRampup = config.option("emaRampup", as: Float.self) ?? 0.05
        let pair = GeneratorDiscriminatorPair(config: config, generator: generator, discriminator: discriminator,
                                              averaged: config.emaDecay != nil || emaHalfLifeImages > 0) {
            var copyRNG = RandomGenerator(seed: 0)
            return StyleGANGenerator(imageChannels: imageChannels, generator: &copyRNG)
        }
        (optimizerG, optimizerD, ema, models, optimizers) = (pair.optimizerG, pair.optimizerD, pair.ema, pair.models, pair.optimizers)
        parameterNames = pair.parameterNames
        noise = RandomGenerator(seed: config.seed &+ 0x5EED_0001)
        regularizerNoise = RandomGenerator(seed: config.seed &+ 0x5EED_0002)
        trainingNoise = SynthesisNoise(.random, generator: RandomGenerator(seed: config.seed &+ 0x5EED_0003))
        augmentation = Self.augmentation(config)
        augmentNoise = RandomGenerator(seed: config.seed &+ 0x5EED_0004)
    }

    /// The augmentation `--ada` or `--augment-p` asks for (nil for neither).
    static func augmentation(_ config: TrainingConfig) -> AdaptiveAugmentation? {
        let adaptive = config.option("ada", as: Bool.self) ?? false
        let p = config.option("augmentP", as: Float.self) ?? 0
        guard adaptive || p > 0, let pipeline = try? AugmentPipeline(parsing: config.option("adaPipeline", as: String.self) ?? "bgc") else {
            return nil
        }
        return AdaptiveAugmentation(pipeline: pipeline, initialP: p, target: adaptive ? config.option("adaTarget", as: Float.self) ?? 0.6 : nil,
                                    kimg: config.option("adaKimg", as: Float.self) ?? 500)
    }

    /// Refuses ADA settings that cannot be used, or that do nothing without `--ada`.
    static func validateAugmentation(_ config: TrainingConfig) throws {
        let adaptive = config.option("ada", as: Bool.self) ?? false
        // config.json keeps every option, defaults included: only a value that differs says the user set it.
        let defaults: [(String, JSONValue)] = [("adaTarget", Float(0.6).json), ("adaKimg", Float(500).json), ("adaPipeline", .string("bgc"))]
        let p = config.option("augmentP", as: Float.self) ?? 0
        if !adaptive, let (key, _) = defaults.first(where: { key, value in config.options[key].map { $0 != value } ?? false }),
           key != "adaPipeline" || p == 0 {
            throw ConfigError("--\(ConfigField.kebab(key)) steers ADA; add --ada" + (key == "adaPipeline" ? " or a fixed --augment-p" : ""))
        }
        if let name = config.option("adaPipeline", as: String.self) {
            do { _ = try AugmentPipeline(parsing: name) } catch { throw ConfigError("--ada-pipeline: \(error.description)") }
        }
        if !(0...1).contains(config.option("augmentP", as: Float.self) ?? 0) { throw ConfigError("--augment-p must be a probability in [0, 1]") }
        if let target = config.option("adaTarget", as: Float.self), !(target > 0 && target < 1) {
            throw ConfigError("--ada-target must lie strictly between 0 and 1 (r_t is a mean of signs; stylegan2-ada uses 0.6)")
        }
        if let kimg = config.option("adaKimg", as: Float.self), !(kimg > 0) { throw ConfigError("--ada-kimg must be positive") }
    }

    public var movingAverages: [String: ExponentialMovingAverage] { ema.map { ["generator": $0] } ?? [:] }

    public var architectureMetadata: [String: String] {
        [WeightsMetadata.architecture: "stylegan", Self.channelsKey: String(generator.imageChannels)]
    }

    public var randomStreams: [String: RandomGenerator] {
        get {
            var streams = ["noise": noise, "regularizer": regularizerNoise, "synthesis": trainingNoise.generator]
            if augmentation != nil { streams["augment"] = augmentNoise }
            return streams
        }
        set {
            augmentNoise = newValue["augment"] ?? augmentNoise
            noise = newValue["noise"] ?? noise
            regularizerNoise = newValue["regularizer"] ?? regularizerNoise
            trainingNoise.generator = newValue["synthesis"] ?? trainingNoise.generator
        }
    }

    public var counters: [String: Int] {
        get { ["discriminatorSteps": discriminatorStepCount, "steps": stepCount] }
        set {
            discriminatorStepCount = newValue["discriminatorSteps"] ?? 0
            stepCount = newValue["steps"] ?? 0
        }
    }

    public func stateTensors() -> [String: Tensor] {
        ["pl_mean": pathLengthMean].merging(augmentation?.stateTensors ?? [:]) { a, _ in a }
    }

    public func restoreStateTensors(_ tensors: [String: Tensor]) throws {
        if let saved = try tensors.stateValues("pl_mean", count: 1) { pathLengthMean.assign(Tensor(saved, shape: [])) }
        try augmentation?.restore(tensors)
    }

    /// `images` as D sees them: augmented when ADA is on (a fresh draw each call).
    func augmented(_ images: Tensor) -> Tensor {
        guard let augmentation else { return images }
        return augmentation(images, generator: &augmentNoise)
    }

    /// The moving average's decay after `imagesSeen` images (before this step's), for batches
    /// of `batch`: 0.5^(batch / half-life), the half-life capped at `emaRampup` of the images
    /// seen (stylegan2-ada's `ema_kimg` and `ema_rampup`).
    public func emaDecay(imagesSeen: Int, batch: Int) -> Float {
        if let fixed = config.emaDecay { return fixed }
        var halfLife = emaHalfLifeImages
        if emaRampup > 0 { halfLife = min(halfLife, Float(imagesSeen) * emaRampup) }
        return Float(pow(0.5, Double(batch) / Double(max(halfLife, 1e-8))))
    }

    /// Real images padded to 32×32 with background (-1).
    public func padded(_ real: Tensor) -> Tensor { Self.padded(real, by: padding) }

    /// `real` padded by `padding` pixels of background (-1) on each side.
    public static func padded(_ real: Tensor, by padding: Int) -> Tensor {
        guard padding > 0 else { return real }
        return withNoGrad { real.paddedWithBackground(vertical: (padding, padding), horizontal: (padding, padding)) }
    }

    /// A latent batch for `n` samples.
    public func latents(_ n: Int) -> Tensor { noise.normal([n, StyleGANGenerator.latentDimension]) }

    /// Per-layer w for z in training: one w for every layer, or with probability `styleMixing`
    /// the w of a second latent from a random layer on (that w does not move `w_avg`).
    public func trainingStyles(_ z: Tensor) -> [Tensor] {
        let w = generator.mapping(z)
        let count = generator.synthesis.styleCount
        var ws = Array(repeating: w, count: count)
        if styleMixing > 0 {
            let cutoff = 1 + noise.integer(below: count - 1)
            if noise.uniform([1]).item < styleMixing {
                let second = generator.mapping(noise.normal(z.shape), updatingAverage: false)
                for i in cutoff..<count { ws[i] = second }
            }
        }
        return ws
    }

    public func step(_ step: Int, diagnostics: Bool, nextBatch: () -> Batch) -> StepStatistics {
        self.step(real: padded(nextBatch().real!), diagnostics: diagnostics)
    }

    /// One step on a real batch [n, C, 32, 32], with given latents for the D and G steps when
    /// `latents` has them (tests and comparisons with PyTorch).
    @discardableResult
    public func step(real: Tensor, latents given: (discriminatorStep: Tensor, generatorStep: Tensor)? = nil,
                     diagnostics: Bool = false) -> StepStatistics {
        let n = real.shape[0]
        ema?.decay = emaDecay(imagesSeen: stepCount * n, batch: n)
        var stats = StepStatistics(lossD: 0, lossG: 0, realScore: 0, fakeScore: 0)

        // D: fakes without recording (G in training mode), the loss on both batches, R1 on its steps.
        let zD = given?.discriminatorStep ?? latents(n)
        let fake = withNoGrad { generator.synthesis(trainingStyles(zD), noise: &trainingNoise) }
        discriminatorStepCount += 1
        let interval = config.regularizationInterval
        let regularize = config.r1Gamma > 0 && discriminatorStepCount % interval == 0
        var realOut = real, fakeOut = fake
        // With ADA, R1 differentiates D∘augment at the real images, with the real batch's draw.
        let realDraw = augmentation?.draw(for: real, generator: &augmentNoise)
        let seenAsReal: (Tensor) -> Tensor = { x in realDraw.map { AugmentPipeline.apply(x, $0) } ?? x }
        let seenFake = augmented(fake)
        let (lossD, gradsD) = valueAndGrad(optimizerD.parameters) {
            realOut = discriminator(seenAsReal(real))
            fakeOut = discriminator(seenFake)
            var loss = config.loss.discriminatorLoss(real: realOut, fake: fakeOut)
            if regularize {
                let r1 = Regularizers.gradientNormPenalty(at: real, gamma: config.r1Gamma) { discriminator(seenAsReal($0)) }
                loss = loss + r1 * Float(interval)
            }
            return loss
        }
        stats.lossD = lossD.item
        stats.realScore = config.loss.meanScore(realOut)
        stats.fakeScore = config.loss.meanScore(fakeOut)
        if diagnostics { stats.recordGradientNorms(of: models[1], names: parameterNames.discriminator, gradients: gradsD) }
        if lossD.item.isFinite { optimizerD.update(gradsD) }
        if augmentation != nil {
            augmentation!.record(realScores: realOut)
            stats.extra["ada_p"] = augmentation!.p
        }

        // G: the loss through D on fresh latents, plus the path-length penalty on its steps.
        let zG = given?.generatorStep ?? latents(n)
        let penalizePaths = pathLengthWeight > 0 && (stepCount + 1) % Self.pathLengthInterval == 0
        var pathPenalty: Float = 0
        let (lossG, gradsG) = valueAndGrad(optimizerG.parameters) {
            let out = discriminator(augmented(generator.synthesis(trainingStyles(zG), noise: &trainingNoise)))
            var loss = config.loss.generatorLoss(real: config.loss.generatorNeedsReal ? discriminator(augmented(real)) : nil, fake: out)
            if penalizePaths {
                let penalty = pathLengthPenalty(batch: max(1, n / 2))
                pathPenalty = penalty.item
                loss = loss + penalty * (pathLengthWeight * Float(Self.pathLengthInterval))
            }
            return loss
        }
        stats.lossG = lossG.item
        if penalizePaths { stats.losses["loss_pl"] = pathPenalty }
        if diagnostics { stats.recordGradientNorms(of: models[0], names: parameterNames.generator, gradients: gradsG) }
        if lossG.item.isFinite { optimizerG.update(gradsG) }
        stepCount += 1
        _ = augmentation?.adjust(afterSteps: stepCount, batch: n)
        if let ratio = augmentation?.lastRatio { stats.extra["ada_rt"] = ratio }
        return stats
    }

    /// StyleGAN2's path-length penalty on `batch` fresh latents, style-mixed as in training.
    func pathLengthPenalty(batch: Int) -> Tensor {
        let styles = trainingStyles(latents(batch))
        let pixelNoise = withNoGrad { regularizerNoise.normal([batch, generator.imageChannels, 32, 32]) }
        return pathLengthPenalty(styles: styles, pixelNoise: pixelNoise).penalty
    }

    /// The path-length penalty for per-layer `styles` (kept in the graph, so the penalty trains
    /// the mapping network too) and unit-variance `pixelNoise` shaped like the images: the norm
    /// of the Jacobian of sum(images · noise / √(H·W)) with respect to the per-layer w, the
    /// running mean moved 1% towards the batch's mean lengths (that 1% share stays in the graph,
    /// as stylegan2-ada's lerp keeps it), and the penalty E[(length − mean)²]. Moves
    /// `pathLengthMean`.
    public func pathLengthPenalty(styles: [Tensor], pixelNoise: Tensor) -> (penalty: Tensor, lengths: Tensor) {
        let batch = styles[0].shape[0], count = styles.count
        let input = Tensor.concat(styles.map { $0.reshaped([batch, 1, -1]) }, axis: 1)      // [b, count, wdim]
        let ws = (0..<count).map { input.slice(axis: 1, $0..<($0 + 1)).reshaped([batch, -1]) }
        let images = generator.synthesis(ws, noise: &trainingNoise)
        let side = Float(images.shape[2] * images.shape[3]).squareRoot()
        let gradient = grad(of: (images * (pixelNoise / side)).sum(), wrt: [input], createGraph: true)[0]
        let lengths = (gradient * gradient).sum(axis: 2).mean(axis: 1).sqrt()            // [b]
        let previous = pathLengthMean.detached()
        let mean = previous + (lengths.mean() - previous) * 0.01
        withNoGrad { pathLengthMean.assign(mean.detached()) }
        return ((lengths - mean).pow(2).mean(), lengths)
    }

    /// Samples for `z` from the moving average (or G) in evaluation mode, without truncation
    /// and with each layer's constant noise.
    public func sample(_ z: Tensor) -> Tensor {
        let g = (ema?.average as? StyleGANGenerator) ?? generator
        var constant = SynthesisNoise(.constant)
        return inEvaluationMode([g]) { g(z, truncation: 1, noise: &constant) }
    }

    public func panelInputs(count: Int, reference: Batch, generator rng: inout RandomGenerator) -> PanelInputs {
        PanelInputs(latents: rng.normal([count, StyleGANGenerator.latentDimension]), batch: reference)
    }

    public func panel(_ inputs: PanelInputs) -> Panel {
        let images = sample(inputs.latents!).clamp(min: -1, max: 1)
        return Panel(images: images, generated: images.reshaped([images.shape[0], -1]))
    }
}
