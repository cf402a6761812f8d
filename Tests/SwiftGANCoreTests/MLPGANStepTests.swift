import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

/// The MLP GAN against PyTorch: the same formula-made weights and inputs on both sides
/// (`make_fixtures.py`), then the outputs, both losses and the weights after one D step and one
/// G step with Adam.
@Suite struct MLPGANStepTests {
    /// scale · sin(12.9898 i + phase), the formula `make_fixtures.py` uses.
    static func formula(_ shape: [Int], scale: Double, phase: Double) -> Tensor {
        let n = shape.reduce(1, *)
        return Tensor((0..<n).map { Float(scale * sin(12.9898 * Double($0) + phase)) }, shape: shape)
    }

    static func initializeByFormula(_ module: Module) {
        for (j, (_, p)) in module.namedParameters().enumerated() {
            let fanIn = p.rank == 2 ? p.shape[1] : p.shape[0]
            p.assign(formula(p.shape, scale: 1 / Double(fanIn).squareRoot(), phase: 78.233 * Double(j + 1)))
        }
    }

    @Test func oneTrainingStepMatchesPyTorch() throws {
        let f = try Fixtures.load("mlp_gan_step.safetensors")
        let trainer = ClassicGANRecipe(config: TrainingConfig(), architecture: .mlp)
        Self.initializeByFormula(trainer.generator)
        Self.initializeByFormula(trainer.discriminator)
        let z1 = Self.formula([64, 64], scale: 1.7, phase: 0.5)
        let z2 = Self.formula([64, 64], scale: 1.3, phase: 1.5)
        let real = Self.formula([64, 784], scale: 2.0, phase: 2.5).tanh()

        #expect(relativeError(trainer.sample(z1), f["fake"]!) < 1e-4, "generator forward")
        #expect(relativeError(withNoGrad { trainer.discriminator(real) }, f["d_real"]!) < 1e-4, "discriminator forward")

        let stats = trainer.step(real: real, latents: (z1, z2))
        #expect(abs(stats.lossD - f["loss_d"]!.item) < 1e-4 * abs(f["loss_d"]!.item), "D loss \(stats.lossD)")
        #expect(abs(stats.lossG - f["loss_g"]!.item) < 1e-4 * abs(f["loss_g"]!.item), "G loss \(stats.lossG)")

        let torchG = try Safetensors.read(Fixtures.path("torch_generator_step1.safetensors"))
        let torchD = try Safetensors.read(Fixtures.path("torch_discriminator_step1.safetensors"))
        for (name, p) in trainer.generator.namedParameters() {
            #expect(relativeError(p, torchG[name]!) < 1e-4, "generator \(name) after the step")
        }
        for (name, p) in trainer.discriminator.namedParameters() {
            #expect(relativeError(p, torchD[name]!) < 1e-4, "discriminator \(name) after the step")
        }
    }

    @Test func weightsSavedByPyTorchLoadAndOursRoundTrip() throws {
        var rng = RandomGenerator(seed: 1)
        let g = MLPGenerator(generator: &rng)
        try g.load(from: Fixtures.path("torch_generator_step1.safetensors"))
        let torchG = try Safetensors.read(Fixtures.path("torch_generator_step1.safetensors"))
        #expect(g.stateDict()["net.4.weight"]!.scalars == torchG["net.4.weight"]!.scalars)

        let dir = try Fixtures.temporaryDirectory()
        try g.save(to: dir + "/g.safetensors")
        let again = MLPGenerator(generator: &rng)
        try again.load(from: dir + "/g.safetensors")
        let z = rng.normal([4, 64])
        #expect(withNoGrad { again(z) }.scalars == withNoGrad { g(z) }.scalars)
        // Byte-for-byte what safetensors.torch writes for the same state dict.
        #expect(try AtomicFile.read(dir + "/g.safetensors") == Safetensors.encode(torchG))
    }

    @Test func lossesHaveTheirTextbookValues() {
        let logits = Tensor([[2], [-1]])
        let d = GANLoss.nonSaturating.discriminatorLoss(real: logits, fake: logits).item
        // -log σ(x) averaged plus -log(1 - σ(x)) averaged.
        let sig = { (x: Float) in 1 / (1 + Foundation.exp(-x)) }
        let expected = -(Foundation.log(sig(2)) + Foundation.log(sig(-1))) / 2 - (Foundation.log(1 - sig(2)) + Foundation.log(1 - sig(-1))) / 2
        #expect(abs(d - expected) < 1e-5)
        let ns = GANLoss.nonSaturating.generatorLoss(fake: logits).item
        let sat = GANLoss.saturating.generatorLoss(fake: logits).item
        #expect(abs(ns + (Foundation.log(sig(2)) + Foundation.log(sig(-1))) / 2) < 1e-5)
        #expect(abs(sat - (Foundation.log(1 - sig(2)) + Foundation.log(1 - sig(-1))) / 2) < 1e-5)
    }

    @Test func trainingRunWritesItsRunDirectory() throws {
        let data = try Fixtures.temporaryDirectory()
        try TinyDataset.write(to: data, count: 128)
        var config = TrainingConfig()
        config.dataDirectory = data
        config.steps = 20
        config.sampleEvery = 10
        config.logEvery = 5
        config.checkpointEvery = 10
        let out = try Fixtures.temporaryDirectory() + "/run"
        let run = try TrainingRun(config: config, directory: out)
        run.showProgress = false
        let summary = try run.run()
        #expect(summary.finalLossD.isFinite && summary.finalLossG.isFinite)
        for file in ["config.json", "log.jsonl", "samples/step_000010.png", "samples/step_000020.png", "samples/latest.png",
                     "loss_curve.svg", "report.html", "generator.safetensors", "discriminator.safetensors"] {
            #expect(FileManager.default.fileExists(atPath: "\(out)/\(file)"), "missing \(file)")
        }
        let lines = try String(contentsOfFile: out + "/log.jsonl", encoding: .utf8).split(separator: "\n")
        let lossLines = lines.filter { $0.contains("\"loss_d\"") }
        #expect(lossLines.count == 4 && lossLines[0].contains("\"grad_norm_g\"") && lossLines[0].contains("\"diversity\""))
        let saved = try TrainingConfig.decode(AtomicFile.read(out + "/config.json"))
        #expect(saved == config)
        let report = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        #expect(report.contains("data:image/png;base64,") && report.contains("<svg"))
    }
}
