import SwiftGANEngine
import SwiftGANNN

/// A class-conditional recipe of one generator G(z, y) and one discriminator whose step is
/// torch_zoo_step.py's cgan step: `discriminatorSteps` D updates, each on a labeled real batch
/// and G's detached fakes for the same labels, then one G update on fresh latents with the last
/// batch's labels (so G draws classes as the data does). A family of this kind (`cgan`,
/// `acgan`) writes the two halves; the loop, its diagnostics and the fixed-input entry point
/// that tests use are shared here. The models are `models[0]` (G) and `models[1]` (D), the
/// latents come from the `noise` stream.
public protocol ConditionalAdversarialRecipe: GANRecipe {
    var config: TrainingConfig { get }
    /// The size of G's latents.
    var latentDimension: Int { get }
    /// D's update on `real` and the fakes G makes from `z` with `labels`; returns D's gradients.
    func discriminatorStep(real: Tensor, labels: [Int], z: Tensor, stats: inout StepStatistics) -> [Tensor]
    /// G's update on fakes from `z` with `labels`; returns the gradients of G's loss.
    func generatorStep(real: Tensor, labels: [Int], z: Tensor, stats: inout StepStatistics) -> [Tensor]
}

extension ConditionalAdversarialRecipe {
    /// Latents for `n` samples from the `noise` stream.
    public func latents(_ n: Int) -> Tensor { randomStreams["noise"]!.normal([n, latentDimension]) }

    public var splitsBatchesAcrossRanks: Bool { true }

    public func step(_ step: Int, diagnostics: Bool, nextBatch: () -> Batch) -> StepStatistics {
        var stats = StepStatistics(lossD: 0, lossG: 0, realScore: 0, fakeScore: 0)
        // Batches, labels and latents are drawn whole, as one process would, and each
        // data-parallel rank trains on its own rows of them (all of them in a single process).
        var labels: [Int] = []
        var lastReal = Tensor(scalar: 0)
        var count = 0
        for i in 0..<config.discriminatorSteps {
            let batch = nextBatch()
            count = batch.count
            lastReal = DataParallel.localRows(batch.real!)
            labels = DataParallel.localRows(ConditionalGANRecipe.indices(batch.labels!))
            let grads = discriminatorStep(real: lastReal, labels: labels, z: DataParallel.localRows(latents(count)), stats: &stats)
            if diagnostics && i == config.discriminatorSteps - 1 { recordGradientNorms(of: models[1], grads, in: &stats) }
        }
        let gradsG = generatorStep(real: lastReal, labels: labels, z: DataParallel.localRows(latents(count)), stats: &stats)
        if diagnostics { recordGradientNorms(of: models[0], gradsG, in: &stats) }
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

    private func recordGradientNorms(of model: NamedModel, _ gradients: [Tensor], in stats: inout StepStatistics) {
        stats.recordGradientNorms(of: model, names: model.module.namedParameters().map(\.0), gradients: gradients)
    }
}

/// A conditional recipe whose discriminator scores (image, label) pairs, as cgan's projection
/// and concat-label discriminators and BigGAN's do. Its two halves are the reference's cgan and
/// biggan step, written once: D's loss on the real batch and G's detached fakes (made in
/// training mode without recording, as PyTorch's `torch.no_grad()` forward, so batch norm's
/// statistics move) with the batch's labels, then G's loss through D on fresh latents. Every
/// input of D goes through `augment` (DiffAugment, identity when off), G's loss gains the
/// mode-seeking penalty on paired latents when `--mode-seeking` asks for it, and G's update gets
/// the orthogonal regularization's gradient when `--orthogonal-reg` asks for it.
public protocol LabelConditionedRecipe: ConditionalAdversarialRecipe {
    var conditionalGenerator: any ConditionalGenerator { get }
    var conditionalDiscriminator: any ConditionalDiscriminator { get }
    var optimizerG: Adam { get }
    var optimizerD: Adam { get }
    var augment: DiffAugment { get }
}

extension LabelConditionedRecipe {
    public var lossNames: [String] { config.modeSeeking.isEnabled ? ["loss_mode_seeking"] : [] }

    public func discriminatorStep(real: Tensor, labels: [Int], z: Tensor, stats: inout StepStatistics) -> [Tensor] {
        let (loss, generator, discriminator) = (config.loss, conditionalGenerator, conditionalDiscriminator)
        let fake = withNoGrad { generator(z, labels) }
        var realOut = real, fakeOut = fake
        let (lossD, grads) = valueAndGrad(optimizerD.parameters) {
            realOut = discriminator(augment(real, streams: &randomStreams), labels)
            fakeOut = discriminator(augment(fake, streams: &randomStreams), labels)
            return loss.discriminatorLoss(real: realOut, fake: fakeOut, realTarget: 1 - config.labelSmoothing)
        }
        stats.lossD = lossD.item
        stats.realScore = loss.meanScore(realOut)
        stats.fakeScore = loss.meanScore(fakeOut)
        guard DataParallel.finiteEverywhere(lossD.item) else { return grads }  // the trainer stops the run; keep weights sane
        optimizerD.update(grads)
        loss.constrainCritic(optimizerD.parameters)
        return grads
    }

    public func generatorStep(real: Tensor, labels: [Int], z: Tensor, stats: inout StepStatistics) -> [Tensor] {
        let (loss, generator, discriminator) = (config.loss, conditionalGenerator, conditionalDiscriminator)
        let seeking = config.modeSeeking
        let (fakeZ, fakeLabels) = seeking.isEnabled ? seeking.pairs(latents: z, labels: labels) : (z, labels)
        // A relativistic loss compares fakes with as many real images, each with its own label.
        let realCount = fakeLabels.count
        var modeSeekingLoss: Float?
        let (lossG, grads) = valueAndGrad(optimizerG.parameters) {
            let images = generator(fakeZ, fakeLabels)
            let fake = discriminator(augment(images, streams: &randomStreams), fakeLabels)
            let realScores = loss.generatorNeedsReal
                ? discriminator(augment(real.slice(axis: 0, 0..<realCount), streams: &randomStreams), Array(labels[..<realCount])) : nil
            let adversarial = loss.generatorLoss(real: realScores, fake: fake)
            guard seeking.isEnabled else { return adversarial }
            let penalty = seeking.penalty(fakes: images, latents: fakeZ)
            modeSeekingLoss = penalty.item
            return adversarial + penalty
        }
        if let modeSeekingLoss { stats.losses["loss_mode_seeking"] = modeSeekingLoss }
        stats.lossG = lossG.item
        if DataParallel.finiteEverywhere(lossG.item) { optimizerG.update(config.orthogonalRegularizer.adding(to: grads, of: generator)) }
        return grads
    }
}
