import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

/// AC-GAN against PyTorch (fixtures from `make_acgan_fixtures.py`: the zoo's CondGenerator and
/// an AC-GAN discriminator written there with SwiftGAN's module names), and BigGAN's orthogonal
/// regularization against autograd's gradient of its penalty.
@Suite struct ACGANTests {
    static let fixture = try! Fixtures.load("acgan_step.safetensors")
    static let batch = 8
    static let z1 = MLPGANStepTests.formula([batch, 100], scale: 1.7, phase: 0.5)
    static let z2 = MLPGANStepTests.formula([batch, 100], scale: 1.3, phase: 2.6)  // make_acgan_fixtures.py says why
    static let real = MLPGANStepTests.formula([batch, 1, 28, 28], scale: 2.0, phase: 2.5).tanh()
    static let labels = (0..<batch).map { (3 * $0 + 1) % 10 }

    /// The fixture script's `sampled`: every ⌊n / 4000⌋-th element.
    static func sampled(_ t: Tensor) -> Tensor {
        let stride = max(1, t.count / 4000)
        let values = t.scalars
        return Tensor(Swift.stride(from: 0, to: values.count, by: stride).map { values[$0] })
    }

    static func freshRecipe(orthogonalRegularization: Float = 0) -> ACGANRecipe {
        var config = TrainingConfig()
        config.model = "acgan"
        config.learningRateG = 2e-4  // the fixture's Adam: 2e-4 for both
        config.orthogonalRegularization = orthogonalRegularization
        let recipe = ACGANRecipe(config: config, classes: 10)
        ConditionalDCGANTests.initializeBySortedNames(recipe.generator, transposed: true)
        ConditionalDCGANTests.initializeBySortedNames(recipe.discriminator)
        return recipe
    }

    static func expectClose(_ actual: Float, _ key: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let expected = fixture[key]!.item
        #expect(abs(actual - expected) <= 1e-4 * abs(expected), "\(key): \(actual), PyTorch \(expected)", sourceLocation: sourceLocation)
    }

    @Test func discriminatorHasPyTorchsKeysAndTwoHeads() {
        var rng = RandomGenerator(seed: 0)
        let d = AuxiliaryClassifierDiscriminator(classes: 7, generator: &rng)
        #expect(d.namedParameters().map(\.0).sorted() == ["adv.bias", "adv.weight_orig", "aux.bias", "aux.weight_orig",
                                                         "net.0.bias", "net.0.weight_orig", "net.2.bias", "net.2.weight_orig"])
        let (adversarial, classLogits) = withNoGrad { d(Self.real) }
        #expect(adversarial.shape == [Self.batch, 1] && classLogits.shape == [Self.batch, 7])
    }

    /// One step, as its two halves from the same initial weights (the composite step is the two
    /// in turn, see below): through the updated D, float32 and float64 can take different sides
    /// of a LeakyReLU input within rounding of 0, which moves G's gradient by percents.
    @Test func oneTrainingStepMatchesPyTorch() {
        let f = Self.fixture
        let recipe = Self.freshRecipe()
        let (adversarial, classLogits) = withNoGrad { recipe.discriminator(Self.real) }
        #expect(relativeError(adversarial, f["d_adv_train"]!) < 1e-4, "D's adversarial head in training mode")
        #expect(relativeError(classLogits, f["d_aux_train"]!) < 1e-4, "D's class head in training mode")

        let dHalf = Self.freshRecipe()
        var stats = StepStatistics(lossD: 0, lossG: 0, realScore: 0, fakeScore: 0)
        let gradsD = dHalf.discriminatorStep(real: Self.real, labels: Self.labels, z: Self.z1, stats: &stats)
        Self.expectClose(stats.lossD, "loss_d")
        Self.expectClose(stats.losses["loss_class_real"]!, "loss_class_real")
        Self.expectClose(stats.losses["loss_class_fake"]!, "loss_class_fake")
        let accuracy = Float(zip(classLogits.argmaxRows(), Self.labels).filter { $0 == $1 }.count) / Float(Self.batch)
        #expect(stats.extra["class_accuracy_real"] == accuracy)
        for ((name, _), grad) in zip(dHalf.discriminator.namedParameters(), gradsD) {
            #expect(relativeError(Self.sampled(grad), f["d_grad.\(name)"]!) < 1e-4, "discriminator gradient \(name)")
        }

        let gHalf = Self.freshRecipe()
        let gradsG = gHalf.generatorStep(real: Self.real, labels: Self.labels, z: Self.z2, stats: &stats)
        Self.expectClose(stats.lossG, "loss_g")
        Self.expectClose(stats.losses["loss_class_g"]!, "loss_class_g")
        for ((name, _), grad) in zip(gHalf.generator.namedParameters(), gradsG) {
            #expect(relativeError(Self.sampled(grad), f["g_grad.\(name)"]!) < 1e-4, "generator gradient \(name)")
        }

        for (module, prefix) in [(gHalf.generator as Module, "g"), (dHalf.discriminator, "d")] {
            for (name, p) in module.namedParameters() {
                DCGANTests.expectAgreementAfterAdamStep(Self.sampled(p), f["\(prefix)_after.\(name)"]!, learningRate: 2e-4, "\(prefix) \(name)")
            }
            for (name, buffer) in module.namedBuffers() where !name.hasSuffix("num_batches_tracked") {
                #expect(relativeError(buffer, f["\(prefix)_buffer.\(name)"]!) < 1e-4, "\(prefix) buffer \(name) after its half")
            }
        }
    }

    @Test func theCompositeStepIsTheTwoHalvesAndLogsTheClassTerms() {
        let a = Self.freshRecipe(), b = Self.freshRecipe()
        let stats = a.step(real: Self.real, labels: Self.labels, latents: (Self.z1, Self.z2))
        var halves = StepStatistics(lossD: 0, lossG: 0, realScore: 0, fakeScore: 0)
        _ = b.discriminatorStep(real: Self.real, labels: Self.labels, z: Self.z1, stats: &halves)
        _ = b.generatorStep(real: Self.real, labels: Self.labels, z: Self.z2, stats: &halves)
        #expect(stats.lossD == halves.lossD && stats.lossG == halves.lossG)
        #expect(Set(stats.losses.keys) == Set(a.lossNames), "every declared loss is reported: \(stats.losses.keys.sorted())")
        #expect(relativeError(a.generator.embed.weight, b.generator.embed.weight) == 0)
    }

    @Test func orthogonalRegularizationGradientIsAutogradsOfThePenalty() {
        let f = Self.fixture
        let beta = f["ortho.beta"]!.item
        let g = Self.freshRecipe().generator
        let regularization = OrthogonalRegularization(strength: beta)
        #expect(abs(regularization.penalty(of: g) - Double(f["ortho.penalty"]!.item)) < 1e-4 * Double(f["ortho.penalty"]!.item))
        let zeros = g.parameters().map { Tensor.zeros($0.shape) }
        var grads = zeros
        regularization.addGradients(&grads, of: g)
        for ((name, _), grad) in zip(g.namedParameters(), grads) {
            if let expected = f["ortho.grad.\(name)"] {
                #expect(relativeError(Self.sampled(grad), expected) < 1e-4, "orthogonal regularization's gradient of \(name)")
            } else {
                #expect(grad.scalars.allSatisfy { $0 == 0 }, "\(name) is not regularized (an embedding or rank < 2)")
            }
        }
        #expect(f["ortho.grad.embed.weight"] == nil && grads[0].scalars.allSatisfy { $0 == 0 }, "the class embedding is left alone")
        var untouched = zeros
        OrthogonalRegularization(strength: 0).addGradients(&untouched, of: g)
        #expect(zip(untouched, zeros).allSatisfy { $0 === $1 }, "β = 0 leaves the gradients as they are")
    }

    @Test func orthogonalRegularizationChangesOnlyTheGeneratorStepItIsOn() {
        let plain = Self.freshRecipe(), on = Self.freshRecipe(orthogonalRegularization: 0.5)
        for recipe in [plain, on] { recipe.step(real: Self.real, labels: Self.labels, latents: (Self.z1, Self.z2)) }
        let first = "net.0.weight"
        let weights = { (r: ACGANRecipe) in r.generator.namedParameters().first { $0.0 == first }!.1 }
        #expect(relativeError(weights(on), weights(plain)) > 0, "β = 0.5 moves \(first)")
        #expect(relativeError(on.generator.embed.weight, plain.generator.embed.weight) == 0, "but not the embedding")
        #expect(relativeError(on.discriminator.aux.weight, plain.discriminator.aux.weight) == 0, "nor D")
    }
}
