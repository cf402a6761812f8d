import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

/// StyleGAN2-lite against PyTorch (`stylegan_models()` of the peer zoo, fixtures from
/// `make_stylegan_fixtures.py`): PyTorch's weights load under their own names and give the same
/// images with constant noise, without noise and truncated, and the same discriminator scores;
/// one training step with lazy R1 on it agrees; and the family's schedule and settings.
@Suite struct StyleGANTests {
    static let parity = try! Fixtures.load("stylegan_parity.safetensors")
    static let fixture = try! Fixtures.load("stylegan_step.safetensors")
    static let batch = 8
    static let z1 = MLPGANStepTests.formula([batch, 128], scale: 1.7, phase: 0.5)
    static let z2 = MLPGANStepTests.formula([batch, 128], scale: 1.3, phase: 1.5)
    static let real = MLPGANStepTests.formula([batch, 1, 32, 32], scale: 2.0, phase: 2.5).tanh()

    static func torchGenerator() throws -> StyleGANGenerator {
        var rng = RandomGenerator(seed: 5)
        let g = StyleGANGenerator(generator: &rng)
        try g.load(from: Fixtures.path("torch_stylegan_generator.safetensors"))
        return g
    }

    /// The recipe from PyTorch's fixture weights, with R1 γ 1 due on its first D step and
    /// constant noise (what the fixture's step uses).
    static func fixtureRecipe() throws -> StyleGANRecipe {
        var config = try TrainingConfig.defaults(for: "stylegan")
        config.r1Gamma = 1
        let recipe = StyleGANRecipe(config: config, imageChannels: 1, padding: 0)
        try recipe.generator.load(from: Fixtures.path("torch_stylegan_generator.safetensors"))
        try recipe.discriminator.load(from: Fixtures.path("torch_stylegan_discriminator.safetensors"))
        recipe.discriminatorStepCount = config.regularizationInterval - 1
        recipe.trainingNoise = SynthesisNoise(.constant)
        return recipe
    }

    @Test func stateDictKeysArePyTorchs() throws {
        var rng = RandomGenerator(seed: 2)
        let g = StyleGANGenerator(generator: &rng), d = StyleGANDiscriminator(generator: &rng)
        for (module, file) in [(g as Module, "torch_stylegan_generator.safetensors"), (d, "torch_stylegan_discriminator.safetensors")] {
            let torch = try Safetensors.read(Fixtures.path(file))
            let ours = module.stateDict()
            #expect(Set(ours.keys) == Set(torch.keys), "\(file): ours less PyTorch's \(Set(ours.keys).subtracting(torch.keys)), theirs less ours \(Set(torch.keys).subtracting(ours.keys))")
            for (key, value) in torch { #expect(ours[key]?.shape == value.shape, "\(key): \(ours[key]?.shape ?? []) vs \(value.shape)") }
        }
        #expect(g.synthesis.styleCount == 8, "one w per convolution and one for the last toRGB, as stylegan2-ada's num_ws")
    }

    @Test func pyTorchsGeneratorGivesTheSameImages() throws {
        let g = try Self.torchGenerator()
        g.eval()
        let z = try NPY.read(Fixtures.path("stylegan_parity_z.npy"))
        var constant = SynthesisNoise(.constant), none = SynthesisNoise(.disabled)
        let images = withNoGrad { g(z, truncation: 1, noise: &constant) }
        #expect(relativeError(images, Self.parity["const"]!) < 1e-4, "constant noise")
        #expect(relativeError(withNoGrad { g(z, truncation: 0.7, noise: &constant) }, Self.parity["truncated"]!) < 1e-4, "ψ 0.7")
        #expect(relativeError(withNoGrad { g(z, truncation: 1, noise: &none) }, Self.parity["no_noise"]!) < 1e-4, "no noise")
        #expect(relativeError(images, Self.parity["no_noise"]!) > 1e-3, "the noise changes the images")
        var random = SynthesisNoise(.random, generator: RandomGenerator(seed: 1))
        let noisy = withNoGrad { g(z, truncation: 1, noise: &random) }
        #expect(relativeError(noisy, images) > 1e-3, "random noise is not the constant")

        var rng = RandomGenerator(seed: 6)
        let d = StyleGANDiscriminator(generator: &rng)
        try d.load(from: Fixtures.path("torch_stylegan_discriminator.safetensors"))
        #expect(relativeError(withNoGrad { d(Self.parity["const"]!) }, Self.parity["d_scores"]!) < 1e-4, "D's scores")
    }

    @Test func oneTrainingStepWithLazyR1MatchesPyTorch() throws {
        let f = Self.fixture
        let recipe = try Self.fixtureRecipe()
        let stats = recipe.step(real: Self.real, latents: (Self.z1, Self.z2))
        #expect(abs(stats.lossD - f["loss_d"]!.item) < 1e-4 * abs(f["loss_d"]!.item), "D loss with R1 \(stats.lossD) vs \(f["loss_d"]!.item)")
        #expect(f["r1"]!.item * 16 > 0.02 * f["loss_d"]!.item, "R1 is a visible part of the D loss")
        #expect(abs(stats.lossG - f["loss_g"]!.item) < 1e-4 * abs(f["loss_g"]!.item), "G loss \(stats.lossG) vs \(f["loss_g"]!.item)")
        #expect(relativeError(recipe.generator.mapping.wAverage, f["w_avg_after_step"]!) < 1e-4, "w_avg moved by both G calls")
        for (module, prefix) in [(recipe.generator as Module, "g"), (recipe.discriminator, "d")] {
            for (name, p) in module.namedParameters() {
                DCGANTests.expectAgreementAfterAdamStep(BigGANTests.sampled(p), f["\(prefix)_after.\(name)"]!, learningRate: 0.0025, "\(prefix) \(name)")
            }
        }
        recipe.generator.eval()
        var constant = SynthesisNoise(.constant)
        #expect(relativeError(withNoGrad { recipe.generator(Self.z1, truncation: 1, noise: &constant) }, f["g_eval_after_step"]!) < 1e-3)
        #expect(relativeError(withNoGrad { recipe.discriminator(Self.real) }, f["d_eval_after_step"]!) < 1e-3)
    }

    @Test func theStepsGradientsMatchPyTorch() throws {
        let f = Self.fixture
        let recipe = try Self.fixtureRecipe()
        let fake = withNoGrad { recipe.generator.synthesis(recipe.trainingStyles(Self.z1), noise: &recipe.trainingNoise) }
        #expect(relativeError(BigGANTests.sampled(fake), f["fake_train"]!) < 1e-4, "G in training mode")
        #expect(relativeError(recipe.generator.mapping.wAverage, f["w_avg_after_d_fakes"]!) < 1e-4, "w_avg after one training-mode call")
        let d = recipe.discriminator
        let (_, grads) = valueAndGrad(d.parameters()) {
            GANLoss.nonSaturating.discriminatorLoss(real: d(Self.real), fake: d(fake))
                + Regularizers.gradientNormPenalty(d, at: Self.real, gamma: 1) * 16
        }
        for ((name, _), g) in zip(d.namedParameters(), grads) {
            #expect(relativeError(BigGANTests.sampled(g), f["d_grad.\(name)"]!) < 1e-4, "D gradient \(name) (with R1's second order)")
        }
    }

    /// The path-length penalty with style mixing (w of z1 below layer 3, of z2 from it on)
    /// against PyTorch: the lengths, the running mean, the penalty, and G's gradient of it, a
    /// double backward through the modulated convolutions into the mapping network. (The
    /// fixture's latents keep every pre-activation away from LeakyReLU's kink, where float32
    /// and float64 could take different branches.)
    @Test func pathLengthPenaltyWithStyleMixingMatchesPyTorch() throws {
        let f = try Fixtures.load("stylegan_path_length.safetensors")
        let recipe = try Self.fixtureRecipe()
        recipe.pathLengthMean.assign(f["pl_mean_before"]!.reshaped([]))
        let g = recipe.generator
        var lengths = Tensor.zeros([1])
        let (penalty, grads) = valueAndGrad(g.parameters()) {
            let w1 = g.mapping(f["z1"]!), w2 = g.mapping(f["z2"]!, updatingAverage: false)
            let styles = Array(repeating: w1, count: 3) + Array(repeating: w2, count: g.synthesis.styleCount - 3)
            let result = recipe.pathLengthPenalty(styles: styles, pixelNoise: f["pl_noise"]!)
            lengths = result.lengths
            return result.penalty
        }
        #expect(relativeError(lengths, f["lengths"]!) < 1e-4, "path lengths")
        #expect(abs(recipe.pathLengthMean.item - f["pl_mean_after"]!.item) < 1e-4 * f["pl_mean_after"]!.item, "running mean")
        #expect(abs(penalty.item - f["penalty"]!.item) < 1e-4 * f["penalty"]!.item, "penalty \(penalty.item) vs \(f["penalty"]!.item)")
        var compared = 0
        for ((name, _), gradient) in zip(g.namedParameters(), grads) {
            guard let expected = f["g_grad.\(name)"] else { continue }
            #expect(relativeError(BigGANTests.sampled(gradient), expected) < 1e-4, "G gradient \(name)")
            compared += 1
        }
        #expect(compared > 40 && f["g_grad.mapping.fc0.weight"] != nil, "the mapping network and the synthesis layers are compared")
    }

    @Test func movingAverageHalfLifeRampsUpWithTheImagesSeen() throws {
        let recipe = StyleGANRecipe(config: try TrainingConfig.defaults(for: "stylegan"))
        #expect(recipe.emaDecay(imagesSeen: 0, batch: 32) == 0, "the first update copies G")
        // 0.05 · 320,000 images = a half-life of 16,000 images: 0.5^(32/16000).
        #expect(abs(recipe.emaDecay(imagesSeen: 320_000, batch: 32) - Float(pow(0.5, 32.0 / 16_000))) < 1e-7)
        // Past 10M images the 500k cap holds.
        #expect(abs(recipe.emaDecay(imagesSeen: 20_000_000, batch: 32) - Float(pow(0.5, 32.0 / 500_000))) < 1e-7)
    }

    @Test func defaultsAreTheSmallImageConfiguration() throws {
        let c = try TrainingConfig.defaults(for: "stylegan")
        #expect(c.loss == .nonSaturating && c.learningRateG == 0.0025 && c.learningRateD == 0.0025 && c.beta1 == 0 && c.beta2 == 0.99)
        #expect(c.r1Gamma == 0.01 && c.regularizationInterval == 16 && c.batchSize == 32)
        var odd = c
        odd.batchSize = 30
        #expect(throws: ConfigError.self) { try odd.validate() }
        var augmented = c
        augmented.spectralNorm = true
        #expect(throws: ConfigError.self) { try augmented.validate() }
    }

    @Test func paddedDataTrainsAndPathLengthAndMixingRun() throws {
        var config = try TrainingConfig.defaults(for: "stylegan")
        config.batchSize = 4
        config.options = ["styleMixing": .double(1), "pathLength": .double(2)]
        let recipe = try StyleGANRecipe.family.makeRecipe(config, DataShape(sample: [1, 28, 28])) as! StyleGANRecipe
        #expect(recipe.padding == 2)
        var rng = RandomGenerator(seed: 3)
        let data = rng.uniform([4, 1, 28, 28], low: -1, high: 1)
        #expect(recipe.padded(data).shape == [4, 1, 32, 32])
        #expect(recipe.padded(data).slice(axis: 2, 0..<2).scalars.allSatisfy { $0 == -1 }, "padding is background")
        var last = StepStatistics(lossD: 0, lossG: 0, realScore: 0, fakeScore: 0)
        for step in 1...4 { last = recipe.step(step, diagnostics: false) { Batch(real: data) } }
        #expect(last.isFinite)
        #expect(last.losses["loss_pl"] != nil, "the path-length penalty ran on the 4th G step")
        #expect(recipe.pathLengthMean.item > 0, "and moved its running mean")
    }
}
