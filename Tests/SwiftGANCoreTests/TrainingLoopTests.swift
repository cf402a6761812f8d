import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

@Suite struct TrainingLoopTests {
    func quietRun(_ config: TrainingConfig, _ directory: String) throws -> TrainingRun.Summary {
        let run = try TrainingRun(config: config, directory: directory)
        run.showProgress = false
        return try run.run()
    }

    /// A run stopped at step 20 and resumed to 40 ends with the same bytes as one run to 40,
    /// with the stateful stabilizers on (EMA, replay buffer, spectral norm, lazy R1, instance
    /// noise, several D steps).
    @Test func resumeIsBitwiseExact() throws {
        let data = try Fixtures.temporaryDirectory()
        try TinyDataset.write(to: data, count: 200)
        var config = TrainingConfig()
        config.dataDirectory = data
        config.steps = 40
        config.batchSize = 16
        config.checkpointEvery = 20
        config.sampleEvery = 20
        config.logEvery = 10
        config.emaDecay = 0.9
        config.replayBufferSize = 24
        config.spectralNorm = true
        config.r1Gamma = 1
        config.regularizationInterval = 3
        config.instanceNoise = 0.1
        config.instanceNoiseSteps = 40
        config.discriminatorSteps = 2
        let whole = try Fixtures.temporaryDirectory() + "/whole"
        _ = try quietRun(config, whole)

        let split = try Fixtures.temporaryDirectory() + "/split"
        var first = config
        first.steps = 20
        _ = try quietRun(first, split)
        let resumed = try TrainingRun(resuming: split, steps: 40)
        resumed.showProgress = false
        _ = try resumed.run()

        for file in ["generator.safetensors", "discriminator.safetensors", "generator_ema.safetensors",
                     "checkpoints/step_000040/optimizers.safetensors", "checkpoints/step_000040/state.safetensors"] {
            #expect(try AtomicFile.read("\(whole)/\(file)") == AtomicFile.read("\(split)/\(file)"), "\(file) differs after resume")
        }
        let lines = try String(contentsOfFile: split + "/log.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(lines.filter { $0.contains("\"loss_d\"") }.count == 4, "the log continues without repeating steps")

        // Resumed with another batch size, the data order goes on in batches of the new size
        // (the checkpoint's sampler kept the old one and trained with it, config.json notwithstanding).
        let rebatched = try TrainingRun(resuming: split) { $0.steps = 41; $0.batchSize = 8 }
        #expect(rebatched.data.state.samplers.map(\.batchSize) == [8])
        #expect(rebatched.data.nextBatch().real?.shape[0] == 8)
    }

    @Test func checkpointsAreCompleteAndOnlyTheLastKAreKept() throws {
        let data = try Fixtures.temporaryDirectory()
        try TinyDataset.write(to: data, count: 64)
        var config = TrainingConfig()
        config.dataDirectory = data
        config.steps = 25
        config.batchSize = 8
        config.checkpointEvery = 5
        config.keepCheckpoints = 2
        config.sampleEvery = 25
        let out = try Fixtures.temporaryDirectory() + "/run"
        _ = try quietRun(config, out)
        let kept = try FileManager.default.contentsOfDirectory(atPath: out + "/checkpoints").sorted()
        #expect(kept == ["step_000020", "step_000025"])
        for file in ["generator.safetensors", "discriminator.safetensors", "optimizers.safetensors", "state.json"] {
            #expect(FileManager.default.fileExists(atPath: "\(out)/checkpoints/step_000025/\(file)"))
        }
    }

    @Test func ringOfEightIsCoveredByWGANGPAndBySpectralNorm() throws {
        var wgan = TrainingConfig(loss: .wganGP)
        wgan.model = "toy"
        wgan.dataset = "ring8"
        wgan.batchSize = 256
        wgan.learningRateD = 1e-3
        wgan.learningRateG = 1e-3
        wgan.discriminatorSteps = 5
        wgan.emaDecay = 0.99
        wgan.steps = 3000
        wgan.sampleEvery = 3000
        wgan.logEvery = 500
        wgan.checkpointEvery = 3000
        var sn = wgan
        sn.loss = .nonSaturating
        sn.spectralNorm = true
        sn.learningRateG = 5e-4
        sn.discriminatorSteps = 2
        sn.steps = 4000
        sn.sampleEvery = 4000
        sn.checkpointEvery = 4000
        for (name, config) in [("WGAN-GP", wgan), ("NS + spectral norm", sn)] {
            let summary = try quietRun(config, try Fixtures.temporaryDirectory())
            let eval = try #require(summary.toyEvaluation)
            #expect(eval.modesCovered >= 7, "\(name) covered \(eval.modesCovered) of 8 modes: \(eval.samplesPerMode)")
        }
    }

    @Test func toyMetricsCountModesAndQuality() {
        var rng = RandomGenerator(seed: 1)
        let perfect = ToyDistribution.grid25.sample(2500, generator: &rng)
        let eval = ToyDistribution.grid25.evaluate(perfect)
        #expect(eval.modesCovered == 25 && eval.highQualityFraction > 0.98)
        let collapsed = Tensor.zeros([2500, 2])
        let bad = ToyDistribution.grid25.evaluate(collapsed)
        #expect(bad.modesCovered == 1 && bad.highQualityFraction == 1)
        let off = ToyDistribution.ring8.evaluate(Tensor.full([100, 2], 1))
        #expect(off.modesCovered == 0 && off.highQualityFraction == 0)
    }

    @Test func configFilesFillDefaultsAndRejectUnknownFields() throws {
        let dir = try Fixtures.temporaryDirectory()
        try Data(#"{"loss": "hinge", "steps": 7, "spectralNorm": true}"#.utf8).write(to: URL(fileURLWithPath: dir + "/a.json"))
        let config = try TrainingConfig.load(dir + "/a.json")
        #expect(config.loss == .hinge && config.steps == 7 && config.spectralNorm && config.batchSize == 64)
        try Data(#"{"stpes": 7}"#.utf8).write(to: URL(fileURLWithPath: dir + "/b.json"))
        let error = #expect(throws: ConfigError.self) { try TrainingConfig.load(dir + "/b.json") }
        #expect(error?.description == "\(dir)/b.json: unknown field 'stpes'")
        try Data(#"{"steps": "many"}"#.utf8).write(to: URL(fileURLWithPath: dir + "/c.json"))
        let typed = #expect(throws: ConfigError.self) { try TrainingConfig.load(dir + "/c.json") }
        #expect(typed?.description.contains("steps") == true)
        var wgan = TrainingConfig(loss: .wganGP)
        #expect(wgan.effectiveGradientPenaltyWeight == 10)
        wgan.gradientPenaltyWeight = 5
        #expect(wgan.effectiveGradientPenaltyWeight == 5)
    }

    @Test func alarmsRaiseWithEvidenceAndOnlyWhenDue() {
        var alarms = TrainingAlarms(realDiversity: 10, warmupSteps: 0)
        func stats(_ d: Float, _ g: Float, normG: Float = 1) -> StepStatistics {
            StepStatistics(lossD: d, lossG: g, realScore: 0.5, fakeScore: 0.5, gradientNormD: 1, gradientNormG: normG)
        }
        #expect(alarms.check(step: 1, stats: stats(1, 1), diversity: 9, bceLoss: true).isEmpty, "a healthy step")
        #expect(alarms.check(step: 2, stats: stats(1, 1), diversity: 6, bceLoss: true).isEmpty, "lower, not collapsed")
        let collapse = alarms.check(step: 3, stats: stats(1, 1), diversity: 2, bceLoss: true)
        #expect(collapse.map(\.kind) == [.modeCollapse])
        #expect(collapse.first?.evidence.contains("below 0.25 × the real data's 10") == true)
        #expect(alarms.check(step: 4, stats: stats(1, 1), diversity: 2, bceLoss: true).isEmpty, "no repeat within the cooldown")
        var early = TrainingAlarms(realDiversity: 10, warmupSteps: 100)
        #expect(early.check(step: 50, stats: stats(1, 1), diversity: 0.1, bceLoss: true).isEmpty, "no alarm while warming up")
        var falling = TrainingAlarms(warmupSteps: 0)
        _ = falling.check(step: 1, stats: stats(1, 1), diversity: 9, bceLoss: true)
        let fell = falling.check(step: 2, stats: stats(1, 1), diversity: 3, bceLoss: true)
        #expect(fell.first?.evidence == "fixed-z panel diversity fell to 3 from a running level of 9")
        let wins = alarms.check(step: 5, stats: stats(0.01, 8, normG: 0.001), diversity: 9, bceLoss: true)
        #expect(wins.map(\.kind) == [.discriminatorWins])
        for step in 6...10 { _ = alarms.check(step: step, stats: stats(1, 1), diversity: 9, bceLoss: true) }
        #expect(alarms.check(step: 11, stats: stats(500, 900), diversity: 9, bceLoss: true).map(\.kind) == [.divergence])
        #expect(alarms.check(step: 12, stats: stats(.nan, 1), diversity: 9, bceLoss: true).map(\.kind) == [.nonFinite])
    }

    @Test func nonFiniteTrainingStopsAtOnceKeepingTheLastCheckpoint() throws {
        let data = try Fixtures.temporaryDirectory()
        try TinyDataset.write(to: data, count: 64)
        var config = TrainingConfig(loss: .lsgan)
        config.dataDirectory = data
        config.steps = 200
        config.batchSize = 8
        config.checkpointEvery = 1
        config.learningRateD = 1e5
        config.learningRateG = 1e5
        config.beta1 = 0
        let out = try Fixtures.temporaryDirectory() + "/run"
        let error = #expect(throws: TrainingDiverged.self) { try quietRun(config, out) }
        let message = error?.description ?? ""
        #expect(message.contains("non-finite values") && message.contains("last good checkpoint"), "\(message)")
        let kept = try checkpointNames(out)
        #expect(!kept.isEmpty)
        let g = try Safetensors.read("\(out)/checkpoints/\(kept.last!)/generator.safetensors")
        #expect(g.values.allSatisfy { $0.scalars.allSatisfy(\.isFinite) }, "the kept checkpoint is finite")
    }

    func checkpointNames(_ run: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: run + "/checkpoints").filter { $0.hasPrefix("step_") }.sorted()
    }
}
