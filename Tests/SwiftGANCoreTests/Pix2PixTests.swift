import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

/// Pix2Pix against PyTorch (`pix2pix_models()` of the peer zoo, fixtures from
/// `make_translation_fixtures.py`): the U-Net's and PatchGAN's keys, the U-Net in evaluation
/// mode, and one training step of the `pix2pix` recipe.
@Suite struct Pix2PixTests {
    static let fixture = try! Fixtures.load("pix2pix_step.safetensors")
    static let batch = 4

    static func freshRecipe() -> Pix2PixRecipe {
        let recipe = Pix2PixRecipe(config: try! TrainingConfig.defaults(for: "pix2pix"), channels: 1)
        TranslationWeights.initialize(recipe.generator)
        TranslationWeights.initialize(recipe.discriminator, offset: 0.5)
        recipe.generator.dropout.eval()  // the fixture sets p = 0, so both sides agree
        return recipe
    }

    @Test func stateDictKeysArePyTorchs() {
        var rng = RandomGenerator(seed: 1)
        let g = UNetGenerator(channels: 1, generator: &rng), d = PatchDiscriminator(inChannels: 2, generator: &rng)
        let keys = Set(Self.fixture.keys)
        func torch(_ prefix: String) -> Set<String> { Set(keys.filter { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }) }
        #expect(Set(g.stateDict().keys) == torch("g_after."))
        #expect(Set(d.stateDict().keys) == torch("d_after."))
        #expect(g.stateDict()["up4.1.weight"]!.shape == [512, 256, 4, 4], "transposed convolution weights are [in, out, k, k]")
    }

    @Test func generatorInEvaluationModeMatchesPyTorch() throws {
        let f = try Fixtures.load("pix2pix_parity.safetensors")
        var rng = RandomGenerator(seed: 2)
        let g = UNetGenerator(channels: 1, generator: &rng)
        TranslationWeights.initialize(g)
        #expect(relativeError(withNoGrad { g.eval(); return g(f["x"]!) }, f["outputs"]!) < 1e-4, "dropout off, instance norm on each image")
        #expect(relativeError(try g.translateAll(f["x28"]!), f["outputs28"]!) < 1e-4, "28×28 padded with -1 to 32×32 and cropped back")
        #expect(relativeError(try g.translateAll(f["x"]!), f["outputs"]!) < 1e-4, "32×32 goes through as it is")
    }

    @Test func oneTrainingStepMatchesPyTorch() {
        let f = Self.fixture
        let recipe = Self.freshRecipe()
        let a = TranslationFixtures.images(Self.batch, phase: 2.5), b = TranslationFixtures.images(Self.batch, phase: 3.5)
        var stats = StepStatistics(lossD: 0, lossG: 0, realScore: 0, fakeScore: 0)
        let fake = recipe.generator(a)
        #expect(relativeError(TranslationFixtures.sampled(fake), f["fake_train"]!) < 1e-4, "U-Net forward in training mode")
        #expect(relativeError(withNoGrad { recipe.discriminator(Tensor.concat([a, b], axis: 1)) }, f["d_real_train"]!) < 1e-4)
        let gradsD = recipe.discriminatorStep(a: a, b: b, fake: fake.detached(), stats: &stats)
        let gradsG = recipe.generatorStep(a: a, b: b, fake: fake, stats: &stats)
        for (value, key) in [(stats.lossD, "loss_d"), (stats.lossG, "loss_g"), (stats.losses["loss_l1"]!, "loss_l1"), (stats.losses["loss_gan"]!, "loss_gan")] {
            #expect(abs(value - f[key]!.item) < 1e-4 * abs(f[key]!.item), "\(key): \(value), PyTorch \(f[key]!.item)")
        }
        for (module, prefix, grads) in [(recipe.discriminator as Module, "d", gradsD), (recipe.generator, "g", gradsG)] {
            TranslationFixtures.expectStep(module, gradients: grads, gradientKey: { "\(prefix)_grad.\($0)" }, afterKey: { "\(prefix)_after.\($0)" }, in: f)
        }
        let after = withNoGrad { recipe.generator.eval(); return recipe.generator(a) }
        let afterError = relativeError(TranslationFixtures.sampled(after), f["fake_eval_after"]!)
        // A few weights take Adam's ±lr first step the other way (see TranslationFixtures.expectStep).
        #expect(afterError < max(2e-4, 3 * f["f32_error.fake_eval_after"]!.item), "G after the step, in evaluation mode: \(afterError)")
    }

    @Test func lambdaGANZeroTrainsOnL1Alone() throws {
        var config = try TrainingConfig.defaults(for: "pix2pix")
        config.options["lambdaGAN"] = .double(0)
        let recipe = Pix2PixRecipe(config: config, channels: 1)
        let a = TranslationFixtures.images(2, phase: 0.3), b = TranslationFixtures.images(2, phase: 0.9)
        var stats = StepStatistics(lossD: 0, lossG: 0, realScore: 0, fakeScore: 0)
        recipe.generator.dropout.eval()
        let fake = recipe.generator(a)
        let grads = recipe.generatorStep(a: a, b: b, fake: fake, stats: &stats)
        #expect(abs(stats.lossG - 100 * stats.losses["loss_l1"]!) < 1e-3 * stats.lossG, "G's loss is λ·L1 alone")
        #expect(stats.losses["loss_gan"]!.isFinite && grads.count == recipe.generator.parameters().count)
    }
}
