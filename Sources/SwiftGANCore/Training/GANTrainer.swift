import SwiftGANEngine
import SwiftGANNN

/// What one training step measured.
public struct StepStatistics: Codable, Sendable {
    public var lossD: Float
    public var lossG: Float
    /// Mean D(x) on the real batch (a probability).
    public var realScore: Float
    /// Mean D(G(z)) on the fake batch during D's step.
    public var fakeScore: Float
}

/// Alternates one discriminator step and one generator step, the algorithm of Goodfellow et
/// al.: sample z, update D on real and (detached) fake images, sample z again, update G through
/// D. Each step computes gradients for the model being updated only.
///
/// ```swift
/// let trainer = GANTrainer(config: config)
/// let stats = trainer.step(real: batch)
/// ```
public final class GANTrainer {
    public let config: TrainingConfig
    public let generator: any UnaryLayer
    public let discriminator: any UnaryLayer
    public let optimizerG: Adam
    public let optimizerD: Adam
    /// The stream that latents are drawn from.
    public private(set) var noise: RandomGenerator
    public private(set) var stepCount = 0

    public init(config: TrainingConfig) {
        self.config = config
        var initRNG = RandomGenerator(seed: config.seed)
        generator = config.model.makeGenerator(generator: &initRNG)
        discriminator = config.model.makeDiscriminator(generator: &initRNG)
        optimizerG = Adam(parameters: generator.parameters(), learningRate: config.learningRateG,
                          betas: (config.beta1, config.beta2))
        optimizerD = Adam(parameters: discriminator.parameters(), learningRate: config.learningRateD,
                          betas: (config.beta1, config.beta2))
        noise = RandomGenerator(seed: config.seed &+ 0x5EED_0001)
    }

    /// One D step and one G step on a batch of real images (shaped as D takes them). The
    /// latents for the two steps are drawn from `noise` unless given.
    @discardableResult
    public func step(real: Tensor, latents: (discriminatorStep: Tensor, generatorStep: Tensor)? = nil) -> StepStatistics {
        let batch = real.shape[0]
        let loss = config.loss

        let zD = latents?.discriminatorStep ?? config.model.sampleLatents(batch, generator: &noise)
        let fake = withNoGrad { generator(zD) }
        var realLogits = real, fakeLogits = fake
        let (lossD, gradsD) = valueAndGrad(discriminator) {
            realLogits = discriminator(real)
            fakeLogits = discriminator(fake)
            return loss.discriminatorLoss(real: realLogits, fake: fakeLogits)
        }
        optimizerD.update(gradsD)

        let z = latents?.generatorStep ?? config.model.sampleLatents(batch, generator: &noise)
        let (lossG, gradsG) = valueAndGrad(generator) {
            loss.generatorLoss(fake: discriminator(generator(z)))
        }
        optimizerG.update(gradsG)
        stepCount += 1

        return StepStatistics(lossD: lossD.item, lossG: lossG.item,
                              realScore: withNoGrad { realLogits.sigmoid().mean().item },
                              fakeScore: withNoGrad { fakeLogits.sigmoid().mean().item })
    }

    /// Generator outputs for `z` in evaluation mode, without recording.
    public func sample(_ z: Tensor) -> Tensor {
        generator.eval()
        defer { generator.train() }
        return withNoGrad { generator(z) }
    }
}
