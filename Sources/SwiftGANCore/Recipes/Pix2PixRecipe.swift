import SwiftGANEngine
import SwiftGANNN

/// Pix2Pix (`--model pix2pix`, Isola et al.): paired image-to-image translation with the peer
/// zoo's `pix2pix_models()`, a U-Net generator G: A → B and a PatchGAN discriminator that judges
/// (A, B) pairs stacked on the channels. Its step is torch_zoo_step.py's pix2pix step: G's
/// output for the batch's A once (recorded), D's loss on (A, B) and (A, G(A)) detached, halved
/// as in the paper, a D update, then G's loss through the updated D plus λ·‖G(A) − B‖₁
/// (`--lambda-l1`, 100) and a G update. `--lambda-gan 0` trains the same U-Net on L1 alone, the
/// paper's ablation (D still trains, so its loss still says how real the outputs look). Adam
/// at 2e-4 with betas (0.5, 0.999); the U-Net's dropout is its noise. The sample panel shows
/// input | output | target rows.
public final class Pix2PixRecipe: GANRecipe {
    public let config: TrainingConfig
    /// The side of the training images (what translation pads smaller inputs up to).
    public let side: Int
    public let generator: UNetGenerator
    public let discriminator: PatchDiscriminator
    public let lambdaL1: Float, lambdaGAN: Float
    public let optimizerG: Adam, optimizerD: Adam
    public let models: [NamedModel]
    public let optimizers: [NamedOptimizer]
    public var batchLayout: BatchLayout { .paired }
    public var lossNames: [String] { ["loss_l1", "loss_gan"] }
    public var counters: [String: Int] = [:]
    private let parameterNames: (generator: [String], discriminator: [String])

    public static let family = ModelFamily(
        name: "pix2pix", summary: "Pix2Pix: U-Net G and PatchGAN D for paired translation A → B (edges2fashion, A/ B/ folders)",
        options: [ConfigField(option: "lambdaL1", default: Float(100), help: "Weight λ of G's L1 loss against the target."),
                  ConfigField(option: "lambdaGAN", default: Float(1), flag: "lambda-gan",
                              help: "Weight of G's adversarial loss (0: L1 alone, the paper's ablation).")],
        layout: .paired, minimumBatchSize: 1, defaultDataset: "edges2fashion", defaultShape: DataShape(sample: [1, 32, 32]),
        defaults: ["learningRateG": .double(2e-4), "batchSize": .int(16)],
        validate: { config in
            try config.requireNonNegative("lambdaL1", "lambdaGAN")
            try validateTranslation(config, name: "pix2pix")
        },
        makeTranslator: { metadata in
            var rng = RandomGenerator(seed: 0)
            return UNetGenerator(channels: try translationChannels(metadata), generator: &rng)
        },
        makeRecipe: { config, shape in
            try checkTranslationData(shape, name: "pix2pix", sideMultiple: UNetGenerator.sideMultiple)
            return Pix2PixRecipe(config: config, channels: shape.sample[0], side: shape.sample[1])
        })

    public init(config: TrainingConfig, channels: Int, side: Int = 32) {
        self.config = config
        self.side = side
        lambdaL1 = config.option("lambdaL1") ?? 100
        lambdaGAN = config.option("lambdaGAN") ?? 1
        var rng = RandomGenerator(seed: config.seed)
        generator = UNetGenerator(channels: channels, dropoutSeed: config.seed &+ 0xD0_0001, generator: &rng)
        discriminator = PatchDiscriminator(inChannels: 2 * channels, generator: &rng)
        let pair = GeneratorDiscriminatorPair(config: config, generator: generator, discriminator: discriminator) {
            var rng = RandomGenerator(seed: 0)
            return UNetGenerator(channels: channels, generator: &rng)
        }
        (optimizerG, optimizerD, models, optimizers, parameterNames) = (pair.optimizerG, pair.optimizerD, pair.models, pair.optimizers, pair.parameterNames)
    }

    public var randomStreams: [String: RandomGenerator] {
        get { ["dropout": generator.dropout.generator] }
        set { if let g = newValue["dropout"] { generator.dropout.generator = g } }
    }

    public var architectureMetadata: [String: String] {
        [WeightsMetadata.architecture: "pix2pix", "swiftgan.channels": "\(generator.channels)",
         "swiftgan.side": "\(side)"]
    }

    public func step(_ step: Int, diagnostics: Bool, nextBatch: () -> Batch) -> StepStatistics {
        let batch = nextBatch()
        let (a, b) = (batch.a!, batch.b!)
        var stats = StepStatistics(lossD: 0, lossG: 0, realScore: 0, fakeScore: 0)
        // G's output once, recorded: D's step sees it detached, G's step differentiates it.
        let fake = generator(a)
        let gradsD = discriminatorStep(a: a, b: b, fake: fake.detached(), stats: &stats)
        let gradsG = generatorStep(a: a, b: b, fake: fake, stats: &stats)
        if diagnostics {
            stats.recordGradientNorms(of: models[0], names: parameterNames.generator, gradients: gradsG)
            stats.recordGradientNorms(of: models[1], names: parameterNames.discriminator, gradients: gradsD)
        }
        return stats
    }

    /// D's half of the step: the halved loss on real and fake pairs, and its update.
    @discardableResult
    public func discriminatorStep(a: Tensor, b: Tensor, fake: Tensor, stats: inout StepStatistics) -> [Tensor] {
        var realScore = Tensor(scalar: 0), fakeScore = Tensor(scalar: 0)
        let (lossD, gradsD) = valueAndGrad(optimizerD.parameters) {
            realScore = discriminator(Tensor.concat([a, b], axis: 1))
            fakeScore = discriminator(Tensor.concat([a, fake], axis: 1))
            return config.loss.discriminatorLoss(real: realScore, fake: fakeScore) * 0.5
        }
        optimizerD.update(gradsD)
        stats.lossD = lossD.item
        stats.realScore = config.loss.meanScore(realScore)
        stats.fakeScore = config.loss.meanScore(fakeScore)
        return gradsD
    }

    /// G's half: the adversarial loss through the (updated) D plus λ·L1, and its update.
    @discardableResult
    public func generatorStep(a: Tensor, b: Tensor, fake: Tensor, stats: inout StepStatistics) -> [Tensor] {
        let adversarial = config.loss.generatorLoss(fake: discriminator(Tensor.concat([a, fake], axis: 1)))
        let l1 = (fake - b).abs().mean()
        let lossG = adversarial * lambdaGAN + l1 * lambdaL1
        let gradsG = grad(of: lossG, wrt: optimizerG.parameters)
        optimizerG.update(gradsG)
        stats.lossG = lossG.item
        stats.losses["loss_l1"] = l1.item
        stats.losses["loss_gan"] = adversarial.item
        return gradsG
    }

    public func panelInputs(count: Int, reference: Batch, generator rng: inout RandomGenerator) -> PanelInputs {
        PanelInputs.translationRows(count: count, columns: 3, reference: reference)
    }

    /// Rows of input | output | target for the fixed pairs, G in evaluation mode (dropout off).
    public func panel(_ inputs: PanelInputs) -> Panel {
        let (a, b) = (inputs.batch.a!, inputs.batch.b!)
        let out = inEvaluationMode([generator]) { generator(a) }
        return Panel.rows([a, out, b], generated: out)
    }
}
