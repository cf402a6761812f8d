import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

/// The convolutional VAE against PyTorch (`make_vae_fixtures.py`): the negative ELBO's two terms
/// and every parameter's gradient; and the recipe as a family: it trains, samples as a
/// generator, measures its ELBO and refuses adversarial settings.
struct VAETests {
    static func models() -> (VAEEncoder, VAEDecoder) {
        var rng = RandomGenerator(seed: 0)
        let (encoder, decoder) = (VAEEncoder(generator: &rng), VAEDecoder(generator: &rng))
        TranslationWeights.initialize(encoder)
        TranslationWeights.initialize(decoder, offset: 1000)
        return (encoder, decoder)
    }

    /// Every len / 4000-th element, as the fixture samples gradients.
    static func sampled(_ t: Tensor) -> Tensor {
        let stride = max(1, t.count / 4000), values = t.scalars
        return Tensor(Swift.stride(from: 0, to: values.count, by: stride).map { values[$0] })
    }

    @Test func negativeELBOAndGradientsMatchPyTorch() throws {
        let f = try Fixtures.load("vae_step.safetensors")
        let (encoder, decoder) = Self.models()
        let x = (TranslationWeights.formula([6, 1, 28, 28], scale: 1, phase: 2.5) * 2).tanh()
        let eps = TranslationWeights.formula([6, 100], scale: 1.5, phase: 0.5)
        var terms: VAEObjective.Terms?
        let parameters = encoder.namedParameters() + decoder.namedParameters()
        let (_, grads) = valueAndGrad(parameters.map(\.1)) {
            terms = VAEObjective.terms(encoder: encoder, decoder: decoder, images: x, noise: eps)
            return terms!.negativeELBO
        }
        #expect(relativeError(terms!.reconstruction.reshaped([1]), f["reconstruction"]!) < 1e-5)
        #expect(relativeError(terms!.kl.reshaped([1]), f["kl"]!) < 1e-5)
        let e = encoder.namedParameters().count
        for (k, (name, _)) in parameters.enumerated() {
            let key = "grad.\(k < e ? "encoder" : "decoder").\(name)"
            let expected = try #require(f[key], "no \(key) in the fixture")
            #expect(relativeError(Self.sampled(grads[k]), expected) < 1e-4, "\(key)")
        }
    }

    @Test func theRecipeTrainsSamplesAndMeasuresItsBound() throws {
        var config = try TrainingConfig.defaults(for: "vae")
        config.batchSize = 8
        let recipe = try #require(try ModelRegistry.family(named: "vae").makeRecipe(config, DataShape(sample: [1, 28, 28])) as? VAERecipe)
        #expect(try !ModelRegistry.family(named: "vae").isAdversarial && recipe.models.map(\.name) == ["generator", "encoder"])
        let images = (TranslationWeights.formula([8, 1, 28, 28], scale: 1, phase: 0.25) * 3).tanh()
        let before = recipe.negativeELBO(of: images).negativeELBO
        var last = StepStatistics(lossD: 0, lossG: 0, realScore: 0, fakeScore: 0)
        for step in 1...30 { last = recipe.step(step, diagnostics: step == 30) { Batch(real: images) } }
        let after = recipe.negativeELBO(of: images)
        #expect(after.negativeELBO < before, "30 steps on one batch should lower its bound: \(before) → \(after.negativeELBO)")
        #expect(abs(after.negativeELBO - after.reconstruction - after.kl) < 1e-6 * abs(after.negativeELBO) && after.kl > 0)
        #expect(last.lossD == 0 && last.losses["loss_kl"] != nil && last.gradientNorms["encoder"] != nil)
        // The decoder samples as any generator: Bernoulli means in [-1, 1].
        var rng = RandomGenerator(seed: 1)
        let panel = recipe.panel(recipe.panelInputs(count: 4, reference: Batch(), generator: &rng))
        #expect(panel.images.shape == [4, 1, 28, 28] && panel.images.scalars.allSatisfy { abs($0) <= 1 })
        let generator = try #require(try ModelRegistry.family(named: "vae").makeGenerator?([:]))
        #expect(generator.sampleShape == [1, 28, 28] && generator.latentDimension == 100)
    }

    @Test func adversarialSettingsAreRefused() throws {
        for flags in [["--spectral-norm"], ["--loss", "hinge"], ["--lr-d", "1e-3"], ["--ema", "0.999"], ["--d-steps", "2"]] {
            let config = try TrainingConfig.resolve(file: nil, arguments: ["--model", "vae"] + flags)
            #expect(throws: ConfigError.self, "\(flags)") { try ModelRegistry.family(named: "vae").validate(config) }
        }
        let plain = try TrainingConfig.resolve(file: nil, arguments: ["--model", "vae", "--lr-g", "5e-4"])
        try ModelRegistry.family(named: "vae").validate(plain)
        #expect(plain.learningRateG == 5e-4 && plain.beta1 == 0.9)
    }
}
