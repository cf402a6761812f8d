import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

/// CycleGAN against PyTorch (`cyclegan_models()` of the peer zoo, fixtures from
/// `make_translation_fixtures.py`): the ResNet generator's keys and PyTorch's trained generator
/// in evaluation mode, one training step of the `cyclegan` recipe (both generators, both
/// discriminators), CycleGAN's image pool and its learning-rate schedule.
@Suite struct CycleGANTests {
    static let fixture = try! Fixtures.load("cyclegan_step.safetensors")
    static let batch = 2

    static func freshRecipe(_ configure: (inout TrainingConfig) -> Void = { _ in }) -> CycleGANRecipe {
        var config = try! TrainingConfig.defaults(for: "cyclegan")
        configure(&config)
        let recipe = CycleGANRecipe(config: config, channels: 1)
        for (model, offset) in [(recipe.generatorAB as Module, 0.0), (recipe.generatorBA, 0.25), (recipe.discriminatorA, 0.5), (recipe.discriminatorB, 0.75)] {
            TranslationWeights.initialize(model, offset: offset)
        }
        return recipe
    }

    @Test func loadsPyTorchsTrainedGeneratorAndTranslatesInEvaluationMode() throws {
        let path = Fixtures.path("torch_cyclegan_generator.safetensors")
        var rng = RandomGenerator(seed: 1)
        let g = ResnetGenerator(channels: 1, generator: &rng)
        #expect(Set(g.stateDict().keys) == Set(try Safetensors.read(path).keys), "keys are PyTorch's state_dict's")
        try g.load(from: path)
        let f = try Fixtures.load("cyclegan_parity.safetensors")
        #expect(relativeError(try g.translateAll(f["x"]!), f["outputs"]!) < 1e-4)
        let error28 = relativeError(try g.translateAll(f["x28"]!), f["outputs28"]!)
        #expect(error28 < 1e-4, "28×28 padded with -1 to 32×32 and cropped back: \(error28)")
    }

    @Test func oneTrainingStepMatchesPyTorch() {
        let f = Self.fixture
        let recipe = Self.freshRecipe()
        let a = TranslationFixtures.images(Self.batch, phase: 2.5), b = TranslationFixtures.images(Self.batch, phase: 3.5)
        var stats = StepStatistics(lossD: 0, lossG: 0, realScore: 0, fakeScore: 0)
        let (fakeA, fakeB, gradsG) = recipe.generatorStep(a: a, b: b, stats: &stats)
        #expect(relativeError(TranslationFixtures.sampled(fakeB), f["fake_b"]!) < 1e-4)
        #expect(relativeError(TranslationFixtures.sampled(fakeA), f["fake_a"]!) < 1e-4)
        // The pool returns the fakes themselves until it holds 50 of them.
        let gradsD = recipe.discriminatorStep(a: a, b: b, fakeA: recipe.poolA!.query(fakeA), fakeB: recipe.poolB!.query(fakeB), stats: &stats)
        for (value, key) in [(stats.lossG, "loss_g"), (stats.losses["loss_gan"]!, "loss_gan"), (stats.losses["loss_cycle"]!, "loss_cycle"),
                             (stats.losses["loss_identity"]!, "loss_identity"), (stats.lossD, "loss_d")] {
            #expect(abs(value - f[key]!.item) < 1e-4 * abs(f[key]!.item), "\(key): \(value), PyTorch \(f[key]!.item)")
        }
        let splitG = recipe.generatorAB.parameters().count, splitD = recipe.discriminatorA.parameters().count
        let groups: [(String, String, Module, ArraySlice<Tensor>)] = [
            ("g_grad", "G_AB", recipe.generatorAB, gradsG[..<splitG]), ("g_grad", "G_BA", recipe.generatorBA, gradsG[splitG...]),
            ("d_grad", "D_A", recipe.discriminatorA, gradsD[..<splitD]), ("d_grad", "D_B", recipe.discriminatorB, gradsD[splitD...]),
        ]
        for (kind, model, module, grads) in groups {
            TranslationFixtures.expectStep(module, gradients: Array(grads), gradientKey: { "\(kind).\(model).\($0)" },
                                           afterKey: { "after.\(model).\($0)" }, in: f)
        }
    }

    @Test func withoutCycleLossOnlyTheAdversarialTermsRemain() {
        let recipe = Self.freshRecipe { $0.options["lambdaCycle"] = .double(0) }
        let a = TranslationFixtures.images(Self.batch, phase: 2.5), b = TranslationFixtures.images(Self.batch, phase: 3.5)
        var stats = StepStatistics(lossD: 0, lossG: 0, realScore: 0, fakeScore: 0)
        recipe.generatorStep(a: a, b: b, stats: &stats)
        #expect(abs(stats.lossG - Self.fixture["loss_gan"]!.item) < 1e-4 * stats.lossG, "the same adversarial terms, nothing else")
        #expect(stats.losses["loss_cycle"] == 0 && stats.losses["loss_identity"] == 0)
    }

    @Test func imagePoolTradesOnceFull() {
        let pool = ReplayBuffer(capacity: 3, seed: 7)
        let first = Tensor((0..<3).map(Float.init), shape: [3, 1])
        #expect(pool.query(first).scalars == [0, 1, 2], "not yet full: the fakes themselves, stored")
        var shownOld = 0, shownNew = 0
        for round in 0..<200 {
            let fresh = Tensor([Float(100 + round)], shape: [1, 1])
            let shown = pool.query(fresh).item
            if shown == fresh.item { shownNew += 1 } else { shownOld += 1 }
            #expect(pool.samples.count == 3)
            #expect(shown == fresh.item || !pool.samples.contains { $0.item == shown }, "a stored fake shown leaves the pool")
        }
        #expect(shownOld > 70 && shownNew > 70, "about half each: \(shownOld) old, \(shownNew) new")
    }

    @Test func learningRateIsConstantForHalfTheRunThenDecaysToZero() {
        let recipe = Self.freshRecipe { $0.steps = 100 }
        let schedule = recipe.optimizers[0].schedule
        #expect(schedule.factor(step: 50) == 1)
        #expect(schedule.factor(step: 51) < 1 && schedule.factor(step: 100) < 0.03 && schedule.factor(step: 100) > 0)
    }
}
