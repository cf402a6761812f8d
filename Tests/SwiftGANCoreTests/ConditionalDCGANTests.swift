import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

/// The class-conditional DCGAN against PyTorch (`cgan_models()` of the peer zoo, fixtures from
/// `make_cgan_fixtures.py`): spectral norm on an Embedding, one training step of the `cgan`
/// recipe, and PyTorch's trained state dicts loaded and run in evaluation mode.
@Suite struct ConditionalDCGANTests {
    static let fixture = try! Fixtures.load("cgan_step.safetensors")
    static let z1 = MLPGANStepTests.formula([64, 100], scale: 1.7, phase: 0.5)
    static let z2 = MLPGANStepTests.formula([64, 100], scale: 1.3, phase: 1.5)
    static let real = MLPGANStepTests.formula([64, 1, 28, 28], scale: 2.0, phase: 2.5).tanh()
    static let labels = (0..<64).map { (3 * $0 + 1) % 10 }

    /// `init_by_sorted_names` of `make_cgan_fixtures.py`: parameters by formula indexed by their
    /// place among the sorted names, scaled by 1/√fan-in (`transposed`: 4-D weights are
    /// [in, out, k, k]); spectral-norm vectors normalized formulas.
    static func initializeBySortedNames(_ module: Module, transposed: Bool = false) {
        let parameters = Dictionary(uniqueKeysWithValues: module.namedParameters())
        for (j, name) in parameters.keys.sorted().enumerated() {
            let p = parameters[name]!, phase = 78.233 * Double(j + 1)
            if p.rank > 1 {
                let fanIn = transposed && p.rank == 4 ? p.shape[0] * p.shape[2] * p.shape[3] : p.count / p.shape[0]
                p.assign(MLPGANStepTests.formula(p.shape, scale: 1 / Double(fanIn).squareRoot(), phase: phase))
            } else if name.hasSuffix("weight") {
                p.assign(MLPGANStepTests.formula(p.shape, scale: 0.1, phase: phase) + 1)
            } else {
                p.assign(MLPGANStepTests.formula(p.shape, scale: 0.1, phase: phase))
            }
        }
        let buffers = Dictionary(uniqueKeysWithValues: module.namedBuffers())
        for (j, name) in buffers.keys.sorted().enumerated() where name.hasSuffix("weight_u") || name.hasSuffix("weight_v") {
            let b = buffers[name]!
            let values = MLPGANStepTests.formula(b.shape, scale: 1, phase: 31.7 * Double(j + 1))
            b.assign(values / values.pow(2).sum().sqrt().item)
        }
    }

    static func freshRecipe() -> ConditionalDCGANRecipe {
        var config = TrainingConfig()
        config.model = "cgan"
        config.learningRateG = 2e-4  // torch_zoo_step.py's cgan step: 2e-4 for both
        let recipe = ConditionalDCGANRecipe(config: config, classes: 10)
        initializeBySortedNames(recipe.generator, transposed: true)
        initializeBySortedNames(recipe.discriminator)
        return recipe
    }

    @Test func spectralNormOnEmbeddingMatchesPyTorch() {
        let f = Self.fixture
        var rng = RandomGenerator(seed: 1)
        let embed = Embedding(5, 7, generator: &rng)
        embed.applySpectralNorm(generator: &rng)
        #expect(embed.namedParameters().map(\.0) == ["weight_orig"] && embed.namedBuffers().map(\.0) == ["weight_u", "weight_v"])
        Self.initializeBySortedNames(embed)
        #expect(relativeError(embed.weight, f["sn_embed.weight_orig"]!) < 1e-6, "the formula initialization")
        #expect(relativeError(embed.spectralNorm!.u, f["sn_embed.u0"]!) < 1e-6 && relativeError(embed.spectralNorm!.v, f["sn_embed.v0"]!) < 1e-6)
        let indices = [4, 0, 2, 2, 1, 3]
        let (out, grads) = valueAndGrad(embed.parameters()) {
            let e = embed.lookup(indices)
            #expect(relativeError(e, f["sn_embed.train_out"]!) < 1e-5, "training forward: W / σ after one power iteration")
            return (e * MLPGANStepTests.formula(e.shape, scale: 1, phase: 0.25)).sum()
        }
        #expect(out.item.isFinite)
        #expect(relativeError(embed.spectralNorm!.u, f["sn_embed.u1"]!) < 1e-5, "u after the power iteration")
        #expect(relativeError(embed.spectralNorm!.v, f["sn_embed.v1"]!) < 1e-5, "v after the power iteration")
        #expect(relativeError(grads[0], f["sn_embed.grad_weight_orig"]!) < 1e-4, "gradient of weight_orig, through σ")
        embed.eval()
        #expect(relativeError(withNoGrad { embed.lookup(indices) }, f["sn_embed.eval_out"]!) < 1e-5, "evaluation uses the stored u, v")
        #expect(relativeError(embed.spectralNorm!.u, f["sn_embed.u1"]!) < 1e-5, "evaluation leaves u alone")
    }

    @Test func oneTrainingStepMatchesPyTorch() {
        let f = Self.fixture
        let recipe = Self.freshRecipe()
        let (g, d) = (recipe.generator, recipe.discriminator)  // a first copy, for the forward passes alone
        let fake = withNoGrad { g(Self.z1, Self.labels) }
        #expect(relativeError(DCGANTests.sampled(fake), f["fake_train"]!) < 1e-4, "generator forward in training mode")
        // The D half (which updates D), then the G half, as `step` runs them.
        #expect(relativeError(withNoGrad { d(Self.real, Self.labels) }, f["d_real_train"]!) < 1e-4, "discriminator forward in training mode")
        // G's gradients through the initial D (a copy of its own: forwards move u, v).
        let initial = Self.freshRecipe()
        let (_, gradsG) = valueAndGrad(initial.generator.parameters()) {
            GANLoss.nonSaturating.generatorLoss(fake: initial.discriminator(initial.generator(Self.z2, Self.labels), Self.labels))
        }
        // (PyTorch's are in float32 here, see make_cgan_fixtures.py; the batch-norm shifts'
        // gradients are sums over 64·h·w terms that nearly cancel, so they get 5e-4.)
        for ((name, _), grad) in zip(initial.generator.namedParameters(), gradsG) {
            let tolerance: Float = ["net.1.bias", "net.4.bias"].contains(name) ? 5e-4 : 1e-4
            #expect(relativeError(DCGANTests.sampled(grad), f["g_grad.\(name)"]!) < tolerance, "generator gradient \(name)")
        }
        let recipe2 = Self.freshRecipe()
        var stats = StepStatistics(lossD: 0, lossG: 0, realScore: 0, fakeScore: 0)
        let gradsD = recipe2.discriminatorStep(real: Self.real, labels: Self.labels, z: Self.z1, stats: &stats)
        #expect(abs(stats.lossD - f["loss_d"]!.item) < 1e-4 * abs(f["loss_d"]!.item), "D loss \(stats.lossD)")
        for ((name, _), grad) in zip(recipe2.discriminator.namedParameters(), gradsD) {
            #expect(relativeError(DCGANTests.sampled(grad), f["d_grad.\(name)"]!) < 1e-4, "discriminator gradient \(name)")
        }
        _ = recipe2.generatorStep(real: Self.real, labels: Self.labels, z: Self.z2, stats: &stats)
        #expect(abs(stats.lossG - f["loss_g"]!.item) < 1e-4 * abs(f["loss_g"]!.item), "G loss \(stats.lossG) through the updated D")
        for (module, prefix, lr) in [(recipe2.generator as Module, "g", Float(2e-4)), (recipe2.discriminator, "d", Float(2e-4))] {
            for (name, p) in module.namedParameters() {
                DCGANTests.expectAgreementAfterAdamStep(DCGANTests.sampled(p), f["\(prefix)_after.\(name)"]!, learningRate: lr, "\(prefix) \(name)")
            }
            for (name, buffer) in module.namedBuffers() where !name.hasSuffix("num_batches_tracked") {
                #expect(relativeError(buffer, f["\(prefix)_buffer.\(name)"]!) < 1e-4, "\(prefix) buffer \(name) after the step")
            }
        }
        #expect(recipe2.generator.stateDict()["net.1.num_batches_tracked"]!.item == 2, "G ran in training mode twice")
        recipe2.generator.eval()
        recipe2.discriminator.eval()
        let eight = Array(Self.labels.prefix(8))
        #expect(relativeError(withNoGrad { recipe2.generator(Self.z1.slice(axis: 0, 0..<8), eight) }, f["g_eval_after_step"]!) < 1e-3)
        #expect(relativeError(withNoGrad { recipe2.discriminator(Self.real.slice(axis: 0, 0..<8), eight) }, f["d_eval_after_step"]!) < 1e-3)
    }

    @Test func theCompositeStepIsTheTwoHalves() {
        let a = Self.freshRecipe(), b = Self.freshRecipe()
        let stats = a.step(real: Self.real, labels: Self.labels, latents: (Self.z1, Self.z2))
        var halves = StepStatistics(lossD: 0, lossG: 0, realScore: 0, fakeScore: 0)
        _ = b.discriminatorStep(real: Self.real, labels: Self.labels, z: Self.z1, stats: &halves)
        _ = b.generatorStep(real: Self.real, labels: Self.labels, z: Self.z2, stats: &halves)
        #expect(stats.lossD == halves.lossD && stats.lossG == halves.lossG)
        #expect(relativeError(a.generator.embed.weight, b.generator.embed.weight) == 0)
    }

    @Test func loadsPyTorchsTrainedStateDictsAndRunsThemInEvaluationMode() throws {
        var rng = RandomGenerator(seed: 3)
        let g = ConditionalDCGANGenerator(generator: &rng)
        let d = ProjectionDiscriminator(generator: &rng)
        let torchG = try Safetensors.read(Fixtures.path("torch_cgan_generator.safetensors"))
        let torchD = try Safetensors.read(Fixtures.path("torch_cgan_discriminator.safetensors"))
        #expect(Set(g.stateDict().keys) == Set(torchG.keys), "G's keys are PyTorch's state_dict keys")
        #expect(Set(d.stateDict().keys) == Set(torchD.keys), "D's keys are PyTorch's state_dict keys")
        try g.load(from: Fixtures.path("torch_cgan_generator.safetensors"))
        try d.load(from: Fixtures.path("torch_cgan_discriminator.safetensors"))
        g.eval()
        d.eval()
        let f = try Fixtures.load("cgan_parity.safetensors")
        let z = try NPY.read(Fixtures.path("cgan_parity_z.npy"))
        let labels = try NPY.readIntegers(Fixtures.path("cgan_parity_labels.npy")).values
        let samples = withNoGrad { g(z, labels) }
        #expect(relativeError(samples, f["samples"]!) < 1e-4, "G in eval mode: running statistics")
        #expect(relativeError(withNoGrad { d(f["samples"]!, labels) }, f["d_logits"]!) < 1e-4, "D in eval mode: the stored u, v")
        #expect(relativeError(d.embed.spectralNorm!.u, torchD["embed.weight_u"]!) == 0, "evaluation does not iterate")
    }
}
