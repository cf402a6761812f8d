import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

/// BigGAN-lite against PyTorch (`biggan_models()` of the peer zoo, fixtures from
/// `make_biggan_fixtures.py`): its layers (conditional batch norm, self-attention at G's and D's
/// sizes) to second order, PyTorch's trained generator loaded and sampled in evaluation mode,
/// one training step of the `biggan` recipe, and the family's default settings.
@Suite struct BigGANTests {
    static let layers = try! Fixtures.load("biggan_layers.safetensors")
    static let fixture = try! Fixtures.load("biggan_step.safetensors")
    static let batch = 16
    static let z1 = MLPGANStepTests.formula([batch, 120], scale: 1.7, phase: 0.5)
    static let z2 = MLPGANStepTests.formula([batch, 120], scale: 1.3, phase: 1.5)
    static let real = MLPGANStepTests.formula([batch, 1, 28, 28], scale: 2.0, phase: 2.5).tanh()
    static let labels = (0..<batch).map { (3 * $0 + 1) % 10 }

    /// `sampled` of make_biggan_fixtures.py: every len/4000-th element.
    static func sampled(_ t: Tensor) -> Tensor {
        let values = t.scalars
        return Tensor(Swift.stride(from: 0, to: values.count, by: max(1, values.count / 4000)).map { values[$0] })
    }

    /// Biases of convolutions whose output goes straight into training-mode batch norm, which
    /// removes any per-channel constant: their gradient is 0 up to rounding.
    static let biasesBeforeBatchNorm: Set = ["block1.conv1.bias", "block2.conv1.bias", "block2.conv2.bias", "block2.conv_sc.bias"]

    static func freshRecipe() -> BigGANRecipe {
        var config = try! TrainingConfig.defaults(for: "biggan")
        config.seed = 1
        let recipe = BigGANRecipe(config: config, classes: 10)
        // G starts from PyTorch's trained generator, D from formula weights (make_biggan_fixtures.py
        // says why).
        try! recipe.generator.load(from: Fixtures.path("torch_biggan_generator.safetensors"))
        ConditionalDCGANTests.initializeBySortedNames(recipe.discriminator)
        return recipe
    }

    @Test func conditionalBatchNormMatchesPyTorch() {
        let inputs = OpFixtureCase.inputs("conditional_batch_norm", in: Self.layers)
        var rng = RandomGenerator(seed: 0)
        let cbn = ConditionalBatchNorm(32, conditionDimension: 104, spectralNorm: false, generator: &rng)
        cbn.gain.weight.assign(inputs[2])
        cbn.bias.weight.assign(inputs[3])
        #expect(cbn.namedParameters().map(\.0) == ["gain.weight", "bias.weight"])
        #expect(cbn.namedBuffers().map(\.0) == ["bn.running_mean", "bn.running_var", "bn.num_batches_tracked"])
        let failures = OpFixtureCase.check("conditional_batch_norm", in: Self.layers, leaves: [inputs[0], inputs[1], cbn.gain.weight, cbn.bias.weight]) {
            cbn($0[0], $0[1])
        }
        #expect(failures.isEmpty, "\(failures)")
    }

    @Test(arguments: [("attention_128", 128), ("attention_64", 64)])
    func selfAttentionMatchesPyTorch(_ name: String, _ channels: Int) {
        let inputs = OpFixtureCase.inputs(name, in: Self.layers)
        var rng = RandomGenerator(seed: 0)
        let attention = SelfAttention(channels, spectralNorm: false, generator: &rng)
        for (layer, weight) in zip([attention.theta, attention.phi, attention.g, attention.o], inputs[1...4]) { layer.weight.assign(weight) }
        attention.gamma.assign(inputs[5])
        let leaves = [inputs[0], attention.theta.weight, attention.phi.weight, attention.g.weight, attention.o.weight, attention.gamma]
        let failures = OpFixtureCase.check(name, in: Self.layers, leaves: leaves) { attention($0[0]) }
        #expect(failures.isEmpty, "\(failures)")
    }

    @Test func stateDictKeysArePyTorchs() throws {
        var rng = RandomGenerator(seed: 2)
        let g = BigGANGenerator(generator: &rng), d = BigGANDiscriminator(generator: &rng)
        let torchG = try Safetensors.read(Fixtures.path("torch_biggan_generator.safetensors"))
        #expect(Set(g.stateDict().keys) == Set(torchG.keys), "G: ours less PyTorch's \(Set(g.stateDict().keys).subtracting(torchG.keys)), theirs less ours \(Set(torchG.keys).subtracting(g.stateDict().keys))")
        let keys = Set(Self.fixture.keys)
        let torchD = Set(keys.filter { $0.hasPrefix("d_after.") || $0.hasPrefix("d_buffer.") }.map { String($0.drop { $0 != "." }.dropFirst()) })
        #expect(Set(d.stateDict().keys) == torchD, "D's keys are PyTorch's")
        #expect(torchG["block1.bn1.bn.running_mean"] != nil && torchG["block1.bn1.bn.weight"] == nil, "conditional BN has no affine weight")
        #expect(g.stateDict()["attention.gamma"]!.shape == [], "gamma is a scalar, as PyTorch's")
    }

    @Test func loadsPyTorchsTrainedGeneratorAndSamplesInEvaluationMode() throws {
        var rng = RandomGenerator(seed: 3)
        let g = BigGANGenerator(generator: &rng)
        try g.load(from: Fixtures.path("torch_biggan_generator.safetensors"))
        #expect(g.attention.gamma.item == 0.7, "the fixture's attention is switched on")
        g.eval()
        let z = try NPY.read(Fixtures.path("biggan_parity_z.npy"))
        let labels = try NPY.readIntegers(Fixtures.path("biggan_parity_labels.npy")).values
        let samples = withNoGrad { g(z, labels) }
        let expected = try Fixtures.load("biggan_parity.safetensors")["samples"]!
        #expect(relativeError(samples, expected) < 1e-4, "G in eval mode: running statistics, stored u and v")
        let u = try Safetensors.read(Fixtures.path("torch_biggan_generator.safetensors"))["block1.conv1.weight_u"]!
        #expect(relativeError(g.block1.conv1.spectralNorm!.u, u) == 0, "evaluation does not iterate")
    }

    @Test func oneTrainingStepMatchesPyTorch() {
        let f = Self.fixture
        let recipe = Self.freshRecipe()
        let fake = withNoGrad { recipe.generator(Self.z1, Self.labels) }
        #expect(relativeError(Self.sampled(fake), f["fake_train"]!) < 1e-4, "generator forward in training mode")
        #expect(relativeError(withNoGrad { recipe.discriminator(Self.real, Self.labels) }, f["d_real_train"]!) < 1e-4,
                "discriminator forward in training mode")
        // G's gradients through the initial D (PyTorch's in float32, see make_biggan_fixtures.py),
        // with the blocks' resampling and convolutions unfused, in PyTorch's order: fused, one
        // ReLU input of out_bn (1.3e-6 in PyTorch, -1.3e-8 fused) changes sides, and that one
        // flip moves every gradient above it by 1e-4 to 5e-4 (PyTorch in float64 shows it too).
        // The fused ops equal the unfused ones to any order (ResampledConvolutionTests), and the
        // step below runs fused.
        let initial = Self.freshRecipe()
        let (_, gradsG) = Conv2d.$fusesResampling.withValue(false) {
            valueAndGrad(initial.generator.parameters()) {
                GANLoss.hinge.generatorLoss(fake: initial.discriminator(initial.generator(Self.z2, Self.labels), Self.labels))
            }
        }
        let gradientsG = Dictionary(uniqueKeysWithValues: zip(initial.generator.namedParameters().map(\.0), gradsG))
        for (name, grad) in gradientsG {
            if Self.biasesBeforeBatchNorm.contains(name) {
                // Exactly 0 in exact arithmetic; both sides hold rounding noise, to be small
                // beside the gradient of the layer's weight.
                let weightScale = gradientsG[name.replacingOccurrences(of: ".bias", with: ".weight_orig")]!.abs().scalars.max()!
                let worst = (Self.sampled(grad) - f["g_grad.\(name)"]!).abs().scalars.max()!
                #expect(worst < 1e-4 * weightScale, "generator gradient \(name): \(worst) beside \(weightScale)")
            } else {
                #expect(relativeError(Self.sampled(grad), f["g_grad.\(name)"]!) < 1e-4, "generator gradient \(name)")
            }
        }
        let stepped = Self.freshRecipe()
        var stats = StepStatistics(lossD: 0, lossG: 0, realScore: 0, fakeScore: 0)
        let gradsD = stepped.discriminatorStep(real: Self.real, labels: Self.labels, z: Self.z1, stats: &stats)
        #expect(abs(stats.lossD - f["loss_d"]!.item) < 1e-4 * abs(f["loss_d"]!.item), "hinge D loss \(stats.lossD)")
        for ((name, _), grad) in zip(stepped.discriminator.namedParameters(), gradsD) {
            #expect(relativeError(Self.sampled(grad), f["d_grad.\(name)"]!) < 1e-4, "discriminator gradient \(name)")
        }
        _ = stepped.generatorStep(real: Self.real, labels: Self.labels, z: Self.z2, stats: &stats)
        #expect(abs(stats.lossG - f["loss_g"]!.item) < 1e-4 * abs(f["loss_g"]!.item), "hinge G loss \(stats.lossG) through the updated D")
        for (module, prefix, lr) in [(stepped.generator as Module, "g", Float(5e-5)), (stepped.discriminator, "d", Float(2e-4))] {
            for (name, p) in module.namedParameters() {
                if prefix == "g" && Self.biasesBeforeBatchNorm.contains(name) {
                    // Adam's first step on a gradient of rounding noise moves each value by up to
                    // lr in a direction of chance, on either side.
                    let worst = (Self.sampled(p) - f["g_after.\(name)"]!).abs().scalars.max()!
                    #expect(worst <= 2.05 * lr, "g \(name): an element differs by \(worst), more than two Adam steps")
                } else {
                    DCGANTests.expectAgreementAfterAdamStep(Self.sampled(p), f["\(prefix)_after.\(name)"]!, learningRate: lr, "\(prefix) \(name)")
                }
            }
            for (name, buffer) in module.namedBuffers() where !name.hasSuffix("num_batches_tracked") {
                #expect(relativeError(buffer, f["\(prefix)_buffer.\(name)"]!) < 1e-4, "\(prefix) buffer \(name) after the step")
            }
        }
        let tracked = try! Safetensors.read(Fixtures.path("torch_biggan_generator.safetensors"))["out_bn.num_batches_tracked"]!.item
        #expect(stepped.generator.stateDict()["out_bn.num_batches_tracked"]!.item == tracked + 2, "G ran in training mode twice")
        stepped.generator.eval()
        stepped.discriminator.eval()
        let eight = Array(Self.labels.prefix(8))
        #expect(relativeError(withNoGrad { stepped.generator(Self.z1.slice(axis: 0, 0..<8), eight) }, f["g_eval_after_step"]!) < 1e-3)
        #expect(relativeError(withNoGrad { stepped.discriminator(Self.real.slice(axis: 0, 0..<8), eight) }, f["d_eval_after_step"]!) < 1e-3)
    }

    @Test func theCompositeStepIsTheTwoHalves() {
        let a = Self.freshRecipe(), b = Self.freshRecipe()
        let stats = a.step(real: Self.real, labels: Self.labels, latents: (Self.z1, Self.z2))
        var halves = StepStatistics(lossD: 0, lossG: 0, realScore: 0, fakeScore: 0)
        _ = b.discriminatorStep(real: Self.real, labels: Self.labels, z: Self.z1, stats: &halves)
        _ = b.generatorStep(real: Self.real, labels: Self.labels, z: Self.z2, stats: &halves)
        #expect(stats.lossD == halves.lossD && stats.lossG == halves.lossG)
        #expect(relativeError(a.generator.attention.gamma, b.generator.attention.gamma) == 0)
    }

    /// The family's defaults replace the global ones; a config file and flags override them, and
    /// a flag that switches the model moves the settings still at the old model's defaults.
    @Test func familyDefaultsSitBetweenTheGlobalDefaultsAndTheSettings() throws {
        let defaults = try TrainingConfig.defaults(for: "biggan")
        #expect(defaults.loss == .hinge && defaults.learningRateD == 2e-4 && defaults.learningRateG == 5e-5)
        #expect(defaults.beta1 == 0 && defaults.beta2 == 0.999)
        let plain = try TrainingConfig.defaults(for: "dcgan")
        #expect(plain == { var c = TrainingConfig(); c.model = "dcgan"; return c }(), "families without defaults keep the global ones")

        let dir = try Fixtures.temporaryDirectory()
        try Data(#"{"model": "biggan", "learningRateG": 0.0001}"#.utf8).write(to: URL(fileURLWithPath: dir + "/a.json"))
        let fromFile = try TrainingConfig.resolve(file: dir + "/a.json", arguments: ["--beta1", "0.5"])
        #expect(fromFile.loss == .hinge && fromFile.learningRateG == 1e-4 && fromFile.beta1 == 0.5 && fromFile.learningRateD == 2e-4)
        // A file written for another model, with --model biggan: its explicit settings stay theirs.
        try Data(#"{"model": "mlp", "loss": "ns", "steps": 7}"#.utf8).write(to: URL(fileURLWithPath: dir + "/b.json"))
        let switched = try TrainingConfig.resolve(file: dir + "/b.json", arguments: ["--model", "biggan"])
        #expect(switched.model == "biggan" && switched.loss == .nonSaturating && switched.steps == 7 && switched.beta1 == 0)
        let flagsOnly = try TrainingConfig.resolve(file: nil, arguments: ["--lr-d", "1e-3", "--model=biggan"])
        #expect(flagsOnly.loss == .hinge && flagsOnly.learningRateD == 1e-3 && flagsOnly.learningRateG == 5e-5)
        var library = TrainingConfig()
        try library.apply(arguments: ["--model", "biggan", "--loss", "lsgan"])
        #expect(library.loss == .lsgan && library.learningRateG == 5e-5 && library.beta1 == 0)
        // Leaving biggan restores the global defaults it had replaced, or the new family's own.
        var back = try TrainingConfig.defaults(for: "biggan")
        try back.apply(arguments: ["--model", "cgan"])
        #expect(back.loss == .nonSaturating && back.learningRateG == 2e-4 && back.beta1 == 0.5 && back.modeSeeking.weight == 0.1)
        try back.apply(arguments: ["--model", "acgan"])
        #expect(back.learningRateG == 1e-4 && back.modeSeeking.weight == 0, "acgan has neither of cgan's defaults")
        #expect(back.options["modeSeeking"] == nil, "nor a stale entry of cgan's option in config.json")
        #expect(try BenchmarkSetup.config("biggan") == defaults, "bench times the family with its defaults")
        #expect(throws: ConfigError.self) { try TrainingConfig.resolve(file: nil, arguments: ["--model", "biggan", "--r1", "1"]).validate() }
    }
}
