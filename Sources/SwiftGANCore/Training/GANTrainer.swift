import SwiftGANEngine
import SwiftGANNN

/// What one training step measured. Gradient norms are filled in on diagnostic steps only.
public struct StepStatistics: Codable, Sendable {
    public var lossD: Float
    public var lossG: Float
    /// Mean D output on the real batch (a probability for the BCE losses, a raw score otherwise).
    public var realScore: Float
    /// Mean D output on the fake batch during D's step.
    public var fakeScore: Float
    public var gradientNormD: Float?
    public var gradientNormG: Float?
    public var layerGradientNormsD: [String: Float]?
    public var layerGradientNormsG: [String: Float]?

    public init(lossD: Float, lossG: Float, realScore: Float, fakeScore: Float, gradientNormD: Float? = nil,
                gradientNormG: Float? = nil, layerGradientNormsD: [String: Float]? = nil, layerGradientNormsG: [String: Float]? = nil) {
        self.lossD = lossD
        self.lossG = lossG
        self.realScore = realScore
        self.fakeScore = fakeScore
        self.gradientNormD = gradientNormD
        self.gradientNormG = gradientNormG
        self.layerGradientNormsD = layerGradientNormsD
        self.layerGradientNormsG = layerGradientNormsG
    }

    /// Whether every value is finite.
    public var isFinite: Bool {
        [lossD, lossG, realScore, fakeScore, gradientNormD ?? 0, gradientNormG ?? 0].allSatisfy(\.isFinite)
    }
}

/// Alternates `discriminatorSteps` discriminator steps and one generator step, with the
/// stabilizers the configuration turns on: sample z, update D on real and (detached) fake data
/// (plus penalties), sample z again, update G through D. Each update computes gradients for the
/// model being updated only.
///
/// ```swift
/// let trainer = try GANTrainer(config: TrainingConfig(loss: .wganGP))
/// let stats = trainer.step { sampler.nextBatch(from: data) }
/// ```
public final class GANTrainer {
    public let config: TrainingConfig
    public let generator: any UnaryLayer
    public let discriminator: any UnaryLayer
    public let optimizerG: Adam
    public let optimizerD: Adam
    /// The moving average of G's weights, when `emaDecay` is set.
    public let ema: ExponentialMovingAverage?
    public let replay: ReplayBuffer?
    /// The stream latents are drawn from.
    public internal(set) var noise: RandomGenerator
    /// The stream of the regularizers (interpolation weights, instance noise).
    public internal(set) var regularizerNoise: RandomGenerator
    public internal(set) var stepCount = 0
    /// D steps taken so far (lazy regularization counts these).
    public internal(set) var discriminatorStepCount = 0

    public init(config: TrainingConfig) {
        self.config = config
        var initRNG = RandomGenerator(seed: config.seed)
        generator = config.model.makeGenerator(generator: &initRNG)
        discriminator = config.model.makeDiscriminator(options: config.discriminatorOptions, generator: &initRNG)
        if config.spectralNorm { discriminator.applySpectralNormToAllLayers(generator: &initRNG) }
        optimizerG = Adam(parameters: generator.parameters(), learningRate: config.learningRateG,
                          betas: (config.beta1, config.beta2))
        optimizerD = Adam(parameters: discriminator.parameters(), learningRate: config.learningRateD,
                          betas: (config.beta1, config.beta2))
        if let decay = config.emaDecay {
            var copyRNG = RandomGenerator(seed: 0)
            ema = try! ExponentialMovingAverage(of: generator, copy: config.model.makeGenerator(generator: &copyRNG), decay: decay)
        } else {
            ema = nil
        }
        replay = config.replayBufferSize > 0
            ? ReplayBuffer(capacity: config.replayBufferSize, fraction: config.replayFraction, seed: config.seed &+ 0x9E91)
            : nil
        noise = RandomGenerator(seed: config.seed &+ 0x5EED_0001)
        regularizerNoise = RandomGenerator(seed: config.seed &+ 0x5EED_0002)
    }

    /// The generator to sample from: the moving average when there is one.
    public var samplingGenerator: any UnaryLayer { ema?.average ?? generator }

    /// One training step with a fresh real batch per D step from `nextReal`.
    @discardableResult
    public func step(diagnostics: Bool = false, nextReal: () -> Tensor) -> StepStatistics {
        step(diagnostics: diagnostics, nextReal: nextReal, latents: nil)
    }

    /// One step on a single real batch with given latents for the D and G steps (tests and
    /// comparisons with other implementations).
    @discardableResult
    public func step(real: Tensor, latents: (discriminatorStep: Tensor, generatorStep: Tensor)? = nil,
                     diagnostics: Bool = false) -> StepStatistics {
        step(diagnostics: diagnostics, nextReal: { real }, latents: latents)
    }

    private func step(diagnostics: Bool, nextReal: () -> Tensor,
                      latents: (discriminatorStep: Tensor, generatorStep: Tensor)?) -> StepStatistics {
        var stats = StepStatistics(lossD: 0, lossG: 0, realScore: 0, fakeScore: 0)
        var lastReal = Tensor.zeros([1])
        for i in 0..<config.discriminatorSteps {
            lastReal = nextReal()
            let z = latents?.discriminatorStep ?? config.model.sampleLatents(lastReal.shape[0], generator: &noise)
            let gradients = discriminatorStep(real: lastReal, z: z, stats: &stats)
            if diagnostics && i == config.discriminatorSteps - 1 {
                (stats.gradientNormD, stats.layerGradientNormsD) = Self.norms(discriminator, gradients)
            }
        }

        let batch = lastReal.shape[0]
        let z = latents?.generatorStep ?? config.model.sampleLatents(batch, generator: &noise)
        let restoreD = config.unrolledSteps > 0 ? unroll(real: lastReal, batch: batch) : nil
        let realForG = withNoGrad { addInstanceNoise(lastReal) }
        let (lossG, gradsG) = valueAndGrad(generator) {
            let fake = discriminator(addInstanceNoise(generator(z)))
            return config.loss.generatorLoss(real: config.loss.generatorNeedsReal ? discriminator(realForG) : nil, fake: fake)
        }
        restoreD?()
        stats.lossG = lossG.item
        if diagnostics { (stats.gradientNormG, stats.layerGradientNormsG) = Self.norms(generator, gradsG) }
        if lossG.item.isFinite { optimizerG.update(gradsG) }
        ema?.update()
        stepCount += 1
        return stats
    }

    /// One D update; returns its gradients.
    private func discriminatorStep(real: Tensor, z: Tensor, stats: inout StepStatistics) -> [Tensor] {
        var fake = withNoGrad { generator(z) }
        if let replay { fake = replay.mix(fake) }
        let (realIn, fakeIn) = withNoGrad { (addInstanceNoise(real), addInstanceNoise(fake)) }
        discriminatorStepCount += 1
        let lazy = config.regularizationInterval
        let regularize = discriminatorStepCount % lazy == 0
        var realOut = real, fakeOut = fake
        let (lossD, grads) = valueAndGrad(discriminator) {
            realOut = discriminator(realIn)
            fakeOut = discriminator(fakeIn)
            var loss = config.loss.discriminatorLoss(real: realOut, fake: fakeOut, realTarget: 1 - config.labelSmoothing)
            let lambda = config.effectiveGradientPenaltyWeight
            if lambda > 0 {
                loss = loss + Regularizers.gradientPenalty(discriminator, real: realIn, fake: fakeIn,
                                                           generator: &regularizerNoise) * lambda
            }
            if regularize && config.r1Gamma > 0 {
                loss = loss + Regularizers.gradientNormPenalty(discriminator, at: realIn, gamma: config.r1Gamma) * Float(lazy)
            }
            if regularize && config.r2Gamma > 0 {
                loss = loss + Regularizers.gradientNormPenalty(discriminator, at: fakeIn, gamma: config.r2Gamma) * Float(lazy)
            }
            return loss
        }
        stats.lossD = lossD.item
        let probabilities = config.loss.usesBCETargets
        stats.realScore = withNoGrad { (probabilities ? realOut.sigmoid() : realOut).mean().item }
        stats.fakeScore = withNoGrad { (probabilities ? fakeOut.sigmoid() : fakeOut).mean().item }
        guard lossD.item.isFinite else { return grads }  // the caller stops the run; keep weights sane
        optimizerD.update(grads)
        if config.loss == .wgan {
            withNoGrad { for p in discriminator.parameters() { p.assign(p.clamp(min: -GANLoss.clipValue, max: GANLoss.clipValue)) } }
        }
        return grads
    }

    /// The unrolled GAN's look-ahead (Metz et al.): `unrolledSteps` D updates on the latest real
    /// batch, whose result G is trained against; returns a closure that restores D and its
    /// optimizer. (Gradients do not flow through the look-ahead updates: the first-order variant.)
    private func unroll(real: Tensor, batch: Int) -> () -> Void {
        let saved = discriminator.stateDict().mapValues { $0.copy() }
        let savedOptimizer = optimizerD.stateTensors().mapValues { $0.copy() }
        for _ in 0..<config.unrolledSteps {
            let fake = withNoGrad { generator(config.model.sampleLatents(batch, generator: &noise)) }
            let (_, grads) = valueAndGrad(discriminator) {
                config.loss.discriminatorLoss(real: discriminator(real), fake: discriminator(fake))
            }
            optimizerD.update(grads)
        }
        return { [discriminator, optimizerD] in
            try! discriminator.loadStateDict(saved)
            try! optimizerD.loadStateTensors(savedOptimizer)
        }
    }

    /// The instance noise level at the current step: linear from `instanceNoise` to 0.
    public var instanceNoiseLevel: Float {
        guard config.instanceNoise > 0 else { return 0 }
        let span = Float(config.instanceNoiseSteps ?? config.steps)
        return config.instanceNoise * max(0, 1 - Float(stepCount) / span)
    }

    private func addInstanceNoise(_ x: Tensor) -> Tensor {
        let sigma = instanceNoiseLevel
        return sigma > 0 ? x + regularizerNoise.normal(x.shape, std: sigma) : x
    }

    static func norms(_ model: Module, _ gradients: [Tensor]) -> (Float, [String: Float]) {
        var total = 0.0
        var layers: [String: Float] = [:]
        for ((name, _), g) in zip(model.namedParameters(), gradients) {
            let squares = g.storage.buffer.reduce(0.0) { $0 + Double($1) * Double($1) }
            total += squares
            layers[name] = Float(squares.squareRoot())
        }
        return (Float(total.squareRoot()), layers)
    }

    /// Generator outputs for `z` in evaluation mode, without recording (the moving average's
    /// when there is one).
    public func sample(_ z: Tensor) -> Tensor {
        let g = samplingGenerator
        g.eval()
        defer { g.train() }
        return withNoGrad { g(z) }
    }
}
