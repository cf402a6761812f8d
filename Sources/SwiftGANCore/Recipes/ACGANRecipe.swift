import SwiftGANEngine
import SwiftGANNN

/// AC-GAN (`--model acgan`, Odena et al. 2017): the cgan generator G(z, y) (same layers and keys,
/// so its weights sample as cgan's do) against a discriminator that sees images alone and also
/// classifies them (`AuxiliaryClassifierDiscriminator`). D minimizes the adversarial loss
/// (`--loss`) plus the cross-entropy of its class logits on the real batch against its labels
/// and on the fakes against the classes they were made for; G minimizes its adversarial loss
/// plus the cross-entropy of D's class logits on its fakes. Fakes are made for the real batch's
/// labels, so they follow the data's class frequencies. The class terms are logged as
/// `loss_class_real`, `loss_class_fake` (D's) and `loss_class_g` (G's), with D's accuracy on the
/// real batch as `class_accuracy_real`; `loss_d` and `loss_g` are the totals.
public final class ACGANRecipe: ConditionalPairRecipe, ConditionalAdversarialRecipe {
    public let generator: ConditionalDCGANGenerator
    public let discriminator: AuxiliaryClassifierDiscriminator
    public var lossNames: [String] { ["loss_class_real", "loss_class_fake", "loss_class_g"] }

    public static let family = ModelFamily(
        name: "acgan", summary: "AC-GAN: the cgan generator against a spectrally normalized D that also classifies (labeled 1×28×28 images)",
        layout: .images, defaultShape: DataShape(sample: ConditionalDCGANGenerator.imageShape, classCount: 10),
        validate: validateConditionalDCGAN(name: "acgan"),
        makeGenerator: makeConditionalDCGANGenerator,
        makeRecipe: { config, shape in
            try checkConditionalDCGANData(shape, name: "acgan")
            return ACGANRecipe(config: config, classes: shape.classCount)
        })

    public init(config: TrainingConfig, classes: Int) {
        var rng = RandomGenerator(seed: config.seed)
        let g = ConditionalDCGANGenerator(classes: classes, generator: &rng)
        let d = AuxiliaryClassifierDiscriminator(classes: classes, generator: &rng)
        (generator, discriminator) = (g, d)
        super.init(config: config, classes: classes, generator: g, discriminator: d) { ConditionalDCGANGenerator(classes: classes, generator: &$0) }
    }

    public var architectureMetadata: [String: String] { [WeightsMetadata.architecture: "acgan", "swiftgan.classes": "\(classes)"] }

    /// D's update on `real` with its `labels` and the detached fakes G makes from `z` for the
    /// same labels (G in training mode, without recording); returns D's gradients.
    public func discriminatorStep(real: Tensor, labels: [Int], z: Tensor, stats: inout StepStatistics) -> [Tensor] {
        let loss = config.loss
        let fake = withNoGrad { generator(z, labels) }
        var realOut = real, fakeOut = fake, realClasses = real
        var classReal = Tensor(scalar: 0), classFake = Tensor(scalar: 0)
        let (lossD, grads) = valueAndGrad(optimizerD.parameters) {
            let onReal = discriminator(augment(real, streams: &randomStreams)), onFake = discriminator(augment(fake, streams: &randomStreams))
            (realOut, fakeOut, realClasses) = (onReal.adversarial, onFake.adversarial, onReal.classLogits)
            classReal = onReal.classLogits.crossEntropy(labels: labels)
            classFake = onFake.classLogits.crossEntropy(labels: labels)
            return loss.discriminatorLoss(real: realOut, fake: fakeOut, realTarget: 1 - config.labelSmoothing) + classReal + classFake
        }
        stats.lossD = lossD.item
        stats.realScore = loss.meanScore(realOut)
        stats.fakeScore = loss.meanScore(fakeOut)
        stats.losses["loss_class_real"] = classReal.item
        stats.losses["loss_class_fake"] = classFake.item
        let correct = zip(realClasses.argmaxRows(), labels).filter { $0 == $1 }.count
        stats.extra["class_accuracy_real"] = Float(correct) / Float(labels.count)
        guard DataParallel.finiteEverywhere(lossD.item) else { return grads }  // the trainer stops the run; keep weights sane
        optimizerD.update(grads)
        loss.constrainCritic(optimizerD.parameters)
        return grads
    }

    /// G's update through D on fakes from `z` for `labels`: its adversarial loss plus the
    /// cross-entropy of D's class logits against `labels` (and the orthogonal regularization's
    /// gradient when it is on); returns the gradients of G's loss.
    public func generatorStep(real: Tensor, labels: [Int], z: Tensor, stats: inout StepStatistics) -> [Tensor] {
        let loss = config.loss
        var classG = Tensor(scalar: 0)
        let (lossG, grads) = valueAndGrad(optimizerG.parameters) {
            let onFake = discriminator(augment(generator(z, labels), streams: &randomStreams))
            classG = onFake.classLogits.crossEntropy(labels: labels)
            let realOut = loss.generatorNeedsReal ? discriminator(augment(real, streams: &randomStreams)).adversarial : nil
            return loss.generatorLoss(real: realOut, fake: onFake.adversarial) + classG
        }
        stats.lossG = lossG.item
        stats.losses["loss_class_g"] = classG.item
        if DataParallel.finiteEverywhere(lossG.item) { optimizerG.update(config.orthogonalRegularizer.adding(to: grads, of: generator)) }
        return grads
    }
}
