import SwiftGANEngine
import SwiftGANNN

/// The unconditional GAN of one generator and one discriminator (the MLP GAN, the DCGANs and
/// the 2-D toy GAN) with every loss and stabilizer of `TrainingConfig`: per step,
/// `discriminatorSteps` D updates on real and detached fake data (plus penalties), then one G
/// update through D. Each update computes gradients for the model being updated only.
public final class ClassicGANRecipe: GANRecipe {
    public let config: TrainingConfig
    public let architecture: GANModelKind
    public let generator: any UnaryLayer
    public let discriminator: any UnaryLayer
    public let optimizerG: Adam
    public let optimizerD: Adam
    public let ema: ExponentialMovingAverage?
    public let replay: ReplayBuffer?
    public let models: [NamedModel]
    public let optimizers: [NamedOptimizer]
    public var batchLayout: BatchLayout { .images }
    /// The stream latents are drawn from, and the regularizers' (interpolation weights,
    /// instance noise).
    public var noise: RandomGenerator
    public var regularizerNoise: RandomGenerator
    /// DiffAugment of every input of D (`--diffaugment`), and the stream it draws from.
    public let augment: DiffAugment
    public var augmentNoise: RandomGenerator
    /// D steps taken so far (lazy regularization counts these).
    public var discriminatorStepCount = 0
    private let parameterNames: (g: [String], d: [String])
    private var stepCount = 0

    public init(config: TrainingConfig, architecture: GANModelKind) {
        self.config = config
        self.architecture = architecture
        var initRNG = RandomGenerator(seed: config.seed)
        generator = architecture.makeGenerator(generator: &initRNG)
        discriminator = architecture.makeDiscriminator(options: config.discriminatorOptions, generator: &initRNG)
        if config.spectralNorm { discriminator.applySpectralNormToAllLayers(generator: &initRNG) }
        optimizerG = config.adam(generator.parameters(), learningRate: config.learningRateG)
        optimizerD = config.adam(discriminator.parameters(), learningRate: config.learningRateD)
        parameterNames = (generator.namedParameters().map(\.0), discriminator.namedParameters().map(\.0))
        if let decay = config.emaDecay {
            var copyRNG = RandomGenerator(seed: 0)
            ema = try! ExponentialMovingAverage(of: generator, copy: architecture.makeGenerator(generator: &copyRNG), decay: decay)
        } else {
            ema = nil
        }
        replay = config.replayBufferSize > 0
            ? ReplayBuffer(capacity: config.replayBufferSize, fraction: config.replayFraction, seed: config.seed &+ 0x9E91)
            : nil
        noise = RandomGenerator(seed: config.seed &+ 0x5EED_0001)
        regularizerNoise = RandomGenerator(seed: config.seed &+ 0x5EED_0002)
        augment = config.diffAugmentation
        augmentNoise = RandomGenerator(seed: augment.seed)
        models = [NamedModel("generator", generator, role: .generator), NamedModel("discriminator", discriminator, role: .discriminator)]
        optimizers = [NamedOptimizer("generator", optimizerG, updates: ["generator"], schedule: config.learningRateSchedule),
                      NamedOptimizer("discriminator", optimizerD, updates: ["discriminator"], schedule: config.learningRateSchedule)]
    }

    public var movingAverages: [String: ExponentialMovingAverage] { ema.map { ["generator": $0] } ?? [:] }

    public var architectureMetadata: [String: String] { [WeightsMetadata.architecture: architecture.rawValue] }

    public var splitsBatchesAcrossRanks: Bool { true }

    public var randomStreams: [String: RandomGenerator] {
        get {
            var streams = ["noise": noise, "regularizer": regularizerNoise]
            if let replay { streams["replay"] = replay.generator }
            if augment.isEnabled { streams[DiffAugment.streamName] = augmentNoise }
            return streams
        }
        set {
            noise = newValue["noise"] ?? noise
            regularizerNoise = newValue["regularizer"] ?? regularizerNoise
            if let replay, let g = newValue["replay"] { replay.generator = g }
            augmentNoise = newValue[DiffAugment.streamName] ?? augmentNoise
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
        replay?.stacked().map { ["replay.samples": $0] } ?? [:]
    }

    public func restoreStateTensors(_ tensors: [String: Tensor]) throws {
        replay?.restore(samples: tensors["replay.samples"], generator: replay!.generator)
    }

    /// A latent batch for `n` samples.
    public func latents(_ n: Int) -> Tensor { architecture.sampleLatents(n, generator: &noise) }

    /// The real batch in the shape D takes (flattened for the MLP models).
    private func shaped(_ real: Tensor) -> Tensor {
        architecture.takesFlatImages && real.rank > 2 ? real.reshaped([real.shape[0], -1]) : real
    }

    public func step(_ step: Int, diagnostics: Bool, nextBatch: () -> Batch) -> StepStatistics {
        self.step(diagnostics: diagnostics, nextReal: { shaped(nextBatch().real!) }, latents: nil)
    }

    /// One step on a single real batch with given latents for the D and G steps (tests and
    /// comparisons with other implementations).
    @discardableResult
    public func step(real: Tensor, latents: (discriminatorStep: Tensor, generatorStep: Tensor)? = nil,
                     diagnostics: Bool = false) -> StepStatistics {
        step(diagnostics: diagnostics, nextReal: { real }, latents: latents)
    }

    private func step(diagnostics: Bool, nextReal: () -> Tensor,
                      latents given: (discriminatorStep: Tensor, generatorStep: Tensor)?) -> StepStatistics {
        var stats = StepStatistics(lossD: 0, lossG: 0, realScore: 0, fakeScore: 0)
        if instanceNoiseLevel > 0 { stats.extra["instance_noise"] = instanceNoiseLevel }
        // Batches and latents are drawn whole, as one process would, and each data-parallel
        // rank trains on its own rows of them (all of them in a single process).
        let local = DataParallel.localRows
        var lastReal = Tensor.zeros([1])
        for i in 0..<config.discriminatorSteps {
            lastReal = nextReal()
            let z = given?.discriminatorStep ?? latents(lastReal.shape[0])
            let gradients = discriminatorStep(real: local(lastReal), z: local(z), stats: &stats)
            if diagnostics && i == config.discriminatorSteps - 1 {
                stats.recordGradientNorms(of: models[1], names: parameterNames.d, gradients: gradients)
            }
        }

        let batch = lastReal.shape[0]
        let z = local(given?.generatorStep ?? latents(batch))
        let restoreD = config.unrolledSteps > 0 ? unroll(real: local(lastReal), batch: batch) : nil
        let realForG = withNoGrad { addInstanceNoise(local(lastReal)) }
        let (lossG, gradsG) = valueAndGrad(optimizerG.parameters) {
            let fake = discriminator(augmented(addInstanceNoise(generator(z))))
            return config.loss.generatorLoss(real: config.loss.generatorNeedsReal ? discriminator(augmented(realForG)) : nil, fake: fake)
        }
        restoreD?()
        stats.lossG = lossG.item
        if diagnostics { stats.recordGradientNorms(of: models[0], names: parameterNames.g, gradients: gradsG) }
        // The logged norms are the loss's gradient; the update adds the orthogonal regularization's.
        if DataParallel.finiteEverywhere(lossG.item) { optimizerG.update(config.orthogonalRegularizer.adding(to: gradsG, of: generator)) }
        stepCount += 1
        return stats
    }

    /// One D update; returns its gradients.
    private func discriminatorStep(real: Tensor, z: Tensor, stats: inout StepStatistics) -> [Tensor] {
        var fake = withNoGrad { generator(z) }
        if let replay { fake = replay.mix(fake) }
        let (realIn, fakeIn) = withNoGrad { (addInstanceNoise(real), addInstanceNoise(fake)) }
        // Independent draws for reals and fakes; R1/R2 differentiate through the same draw.
        let (realView, fakeView) = (drawAugmentation(realIn), drawAugmentation(fakeIn))
        let (realSeen, fakeSeen) = withNoGrad { (augmented(realIn, realView), augmented(fakeIn, fakeView)) }
        discriminatorStepCount += 1
        let lazy = config.regularizationInterval
        let regularize = discriminatorStepCount % lazy == 0
        var realOut = real, fakeOut = fake
        let (lossD, grads) = valueAndGrad(optimizerD.parameters) {
            realOut = discriminator(realSeen)
            fakeOut = discriminator(fakeSeen)
            var loss = config.loss.discriminatorLoss(real: realOut, fake: fakeOut, realTarget: 1 - config.labelSmoothing)
            let lambda = config.effectiveGradientPenaltyWeight
            if lambda > 0 {
                // On interpolates of the augmented batches, as DiffAugment's BigGAN code does.
                loss = loss + Regularizers.gradientPenalty(discriminator, real: realSeen, fake: fakeSeen,
                                                           generator: &regularizerNoise) * lambda
            }
            if regularize && config.r1Gamma > 0 {
                loss = loss + Regularizers.gradientNormPenalty(at: realIn, gamma: config.r1Gamma) {
                    discriminator(augmented($0, realView))
                } * Float(lazy)
            }
            if regularize && config.r2Gamma > 0 {
                loss = loss + Regularizers.gradientNormPenalty(at: fakeIn, gamma: config.r2Gamma) {
                    discriminator(augmented($0, fakeView))
                } * Float(lazy)
            }
            return loss
        }
        stats.lossD = lossD.item
        stats.realScore = config.loss.meanScore(realOut)
        stats.fakeScore = config.loss.meanScore(fakeOut)
        guard DataParallel.finiteEverywhere(lossD.item) else { return grads }  // the trainer stops the run; keep weights sane
        optimizerD.update(grads)
        config.loss.constrainCritic(optimizerD.parameters)
        return grads
    }

    /// The unrolled GAN's look-ahead (Metz et al.): `unrolledSteps` D updates on the latest real
    /// batch, whose result G is trained against; returns a closure that restores D and its
    /// optimizer. (Gradients do not flow through the look-ahead updates: the first-order variant.)
    private func unroll(real: Tensor, batch: Int) -> () -> Void {
        let saved = discriminator.stateDict().mapValues { $0.copy() }
        let savedOptimizer = optimizerD.stateTensors().mapValues { $0.copy() }
        for _ in 0..<config.unrolledSteps {
            let fake = withNoGrad { generator(DataParallel.localRows(latents(batch))) }
            let (_, grads) = valueAndGrad(optimizerD.parameters) {
                config.loss.discriminatorLoss(real: discriminator(augmented(real)), fake: discriminator(augmented(fake)))
            }
            optimizerD.update(grads)
        }
        return { [discriminator, optimizerD] in
            try! discriminator.loadStateDict(saved)
            try! optimizerD.loadStateTensors(savedOptimizer)
        }
    }

    /// The instance noise level at the current step: linear from `instanceNoise` to 0 over
    /// `instanceNoiseSteps` (the run's first `steps` when unset).
    public var instanceNoiseLevel: Float {
        guard config.instanceNoise > 0 else { return 0 }
        let span = Float(config.instanceNoiseSteps ?? config.steps)
        return config.instanceNoise * max(0, 1 - Float(stepCount) / span)
    }

    private func addInstanceNoise(_ x: Tensor) -> Tensor {
        let sigma = instanceNoiseLevel
        return sigma > 0 ? x + regularizerNoise.normal(x.shape, std: sigma) : x
    }

    /// A DiffAugment draw for the batch `x` (nil without policies).
    private func drawAugmentation(_ x: Tensor) -> DiffAugment.Parameters? {
        guard augment.isEnabled else { return nil }
        let image = architecture.imageShape
        return augment.draw(batch: x.shape[0], height: image[1], width: image[2], generator: &augmentNoise)
    }

    /// `x` as D sees it: augmented with `view`. The MLP's flat images are augmented as images
    /// and flattened again (its D takes pixels, but they are still an image's).
    private func augmented(_ x: Tensor, _ view: DiffAugment.Parameters?) -> Tensor {
        guard let view else { return x }
        return augment.apply(x.reshaped([x.shape[0]] + architecture.imageShape), view).reshaped(x.shape)
    }

    /// `x` augmented with a fresh draw.
    private func augmented(_ x: Tensor) -> Tensor { augmented(x, drawAugmentation(x)) }

    /// Generator outputs for `z` in evaluation mode, without recording (the moving average's
    /// when there is one).
    public func sample(_ z: Tensor) -> Tensor {
        let g = (ema?.average as? any UnaryLayer) ?? generator
        return inEvaluationMode([g]) { g(z) }
    }

    public func panelInputs(count: Int, reference: Batch, generator rng: inout RandomGenerator) -> PanelInputs {
        PanelInputs(latents: architecture.sampleLatents(count, generator: &rng), batch: reference)
    }

    public func panel(_ inputs: PanelInputs) -> Panel {
        let generated = sample(inputs.latents!)
        let n = generated.shape[0]
        let images = architecture.makesImages ? generated.reshaped([n] + architecture.imageShape) : generated
        return Panel(images: images, generated: generated.reshaped([n, -1]))
    }
}
