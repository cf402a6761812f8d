import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

/// The generic trainer on recipes other than the classic GAN, and the state a step keeps.
@Suite struct RecipeTrainingTests {
    func quietRun(_ run: TrainingRun) throws -> TrainingRun.Summary {
        run.showProgress = false
        return try run.run()
    }

    /// A four-model, two-optimizer recipe (CycleGAN-shaped, on unpaired 2-D points) stopped at
    /// step 10 and resumed to 20 ends with the same bytes as one run to 20, learning-rate decay
    /// included.
    @Test func fourModelRecipeResumesBitwiseExact() throws {
        var config = TrainingConfig()
        config.model = "toy-cycle"
        config.steps = 20
        config.batchSize = 16
        config.checkpointEvery = 10
        config.sampleEvery = 10
        config.logEvery = 5
        config.learningRateD = 1e-3
        config.learningRateG = 1e-3
        let whole = try Fixtures.temporaryDirectory() + "/whole"
        _ = try quietRun(TrainingRun(config: config, directory: whole))
        var first = config
        first.steps = 10
        first.decayLearningRateFrom = 10   // the whole run's default (half of 20), fixed explicitly
        var wholeConfig = config
        wholeConfig.decayLearningRateFrom = 10
        let whole2 = try Fixtures.temporaryDirectory() + "/whole2"
        _ = try quietRun(TrainingRun(config: wholeConfig, directory: whole2))
        let split = try Fixtures.temporaryDirectory() + "/split"
        _ = try quietRun(TrainingRun(config: first, directory: split))
        _ = try quietRun(TrainingRun(resuming: split, steps: 20))
        for file in ["G_AB.safetensors", "G_BA.safetensors", "D_A.safetensors", "D_B.safetensors",
                     "checkpoints/step_000020/optimizers.safetensors", "checkpoints/step_000020/state.json"] {
            #expect(try AtomicFile.read("\(whole2)/\(file)") == AtomicFile.read("\(split)/\(file)"), "\(file) differs after resume")
        }
        #expect(try AtomicFile.read("\(whole)/G_AB.safetensors") == AtomicFile.read("\(whole2)/G_AB.safetensors"),
                "CycleGAN's default decay starts half-way")
        let log = try String(contentsOfFile: split + "/log.jsonl", encoding: .utf8)
        #expect(log.contains("\"loss_cycle\"") && log.contains("\"grad_norm.G_AB\"") && log.contains("\"lr.G\""))
        let optimizerKeys = try Safetensors.read(split + "/checkpoints/step_000020/optimizers.safetensors").keys
        #expect(optimizerKeys.contains { $0.hasPrefix("G.") } && optimizerKeys.contains { $0.hasPrefix("D.") })
    }

    @Test func linearDecayReachesZeroAtTheLastStep() {
        let schedule = LearningRateSchedule.linearDecay(from: 10, until: 20)
        #expect(schedule.factor(step: 10) == 1)
        #expect(abs(schedule.factor(step: 15) - (1 - 5.0 / 11)) < 1e-6)
        #expect(schedule.factor(step: 20) > 0 && schedule.factor(step: 21) == 0)
        #expect(LearningRateSchedule.constant.factor(step: 1000) == 1)
    }

    /// Checkpoints are ordered by step number, so past step 999,999 resume takes the newest.
    @Test func checkpointsSortByStepNumber() throws {
        let dir = try Fixtures.temporaryDirectory()
        for name in ["step_999999", "step_1000000", "step_000500", "step_x", "other"] {
            try FileManager.default.createDirectory(atPath: "\(dir)/\(name)", withIntermediateDirectories: true)
        }
        #expect(Checkpoint.list(dir).map(\.step) == [500, 999_999, 1_000_000])
    }

    /// Instance noise is added to D's inputs and anneals linearly; its span is fixed when the
    /// run starts, so a run extended later anneals as it began.
    @Test func instanceNoiseIsAddedAndAnnealed() throws {
        var config = TrainingConfig()
        config.instanceNoise = 0.5
        config.instanceNoiseSteps = 10
        let noisy = ClassicGANRecipe(config: config, architecture: .mlp)
        let clean = ClassicGANRecipe(config: TrainingConfig(), architecture: .mlp)
        var rng = RandomGenerator(seed: 3)
        let real = rng.normal([8, 784]).clamp(min: -1, max: 1)
        #expect(noisy.instanceNoiseLevel == 0.5)
        let a = noisy.step(real: real), b = clean.step(real: real)
        #expect(a.extra["instance_noise"] == 0.5 && b.extra["instance_noise"] == nil)
        #expect(a.realScore != b.realScore, "D saw noisy real images")
        for _ in 0..<4 { noisy.step(real: real) }
        #expect(abs(noisy.instanceNoiseLevel - 0.25) < 1e-6)
        for _ in 0..<10 { noisy.step(real: real) }
        #expect(noisy.instanceNoiseLevel == 0)

        let data = try Fixtures.temporaryDirectory()
        try TinyDataset.write(to: data, count: 64)
        var run = TrainingConfig()
        run.dataDirectory = data
        run.steps = 4
        run.batchSize = 8
        run.instanceNoise = 0.1
        let out = try Fixtures.temporaryDirectory() + "/run"
        _ = try quietRun(TrainingRun(config: run, directory: out))
        #expect(try TrainingConfig.load(out + "/config.json").instanceNoiseSteps == 4)
    }

    /// Lazy R1 adds the penalty on every k-th D step only, and the unrolled look-ahead changes
    /// G's update but leaves D as its own step left it.
    @Test func lazyRegularizationAndUnrollingRun() {
        var rng = RandomGenerator(seed: 4)
        let real = rng.normal([16, 784]).clamp(min: -1, max: 1)
        var lazy = TrainingConfig()
        lazy.r1Gamma = 10
        lazy.regularizationInterval = 3
        let plain = ClassicGANRecipe(config: TrainingConfig(), architecture: .mlp)
        let regularized = ClassicGANRecipe(config: lazy, architecture: .mlp)
        var r2 = lazy
        r2.r1Gamma = 0
        r2.r2Gamma = 10
        let regularizedFakes = ClassicGANRecipe(config: r2, architecture: .mlp)
        for step in 1...3 {
            let z = (rng.normal([16, 64]), rng.normal([16, 64]))
            let (p, r, f) = (plain.step(real: real, latents: z), regularized.step(real: real, latents: z),
                             regularizedFakes.step(real: real, latents: z))
            if step < 3 {
                #expect(p.lossD == r.lossD && p.lossD == f.lossD, "no penalty on D step \(step)")
            } else {
                #expect(r.lossD > p.lossD && f.lossD > p.lossD, "R1 and R2 (×3) on the third D step: \(r.lossD), \(f.lossD) vs \(p.lossD)")
            }
        }

        var unrolledConfig = TrainingConfig()
        unrolledConfig.unrolledSteps = 3
        let unrolled = ClassicGANRecipe(config: unrolledConfig, architecture: .mlp)
        let reference = ClassicGANRecipe(config: TrainingConfig(), architecture: .mlp)
        let z = (rng.normal([16, 64]), rng.normal([16, 64]))
        unrolled.step(real: real, latents: z)
        reference.step(real: real, latents: z)
        let (dU, dR) = (unrolled.discriminator.stateDict(), reference.discriminator.stateDict())
        #expect(dU.keys.allSatisfy { dU[$0]!.scalars == dR[$0]!.scalars }, "D is restored after the look-ahead")
        let (gU, gR) = (unrolled.generator.stateDict(), reference.generator.stateDict())
        #expect(gU.keys.contains { gU[$0]!.scalars != gR[$0]!.scalars }, "G trained against the unrolled D")
    }

    /// Batches carry their labels, and the prefetching thread changes nothing.
    @Test func batchesCarryLabelsAndPrefetchingChangesNothing() throws {
        let dir = try Fixtures.temporaryDirectory()
        let (images, labels) = try TinyDataset.write(to: dir, count: 64)
        var config = TrainingConfig()
        config.dataDirectory = dir
        config.batchSize = 8
        let ahead = try TrainingData(config: config, warn: { _ in })
        let inline = try TrainingData(config: config, warn: { _ in })
        ahead.prefetch = true
        inline.prefetch = false
        for _ in 0..<20 {
            let (a, b) = (ahead.nextBatch(), inline.nextBatch())
            #expect(a.real!.scalars == b.real!.scalars && a.labels!.scalars == b.labels!.scalars)
            // TinyDataset draws label k as a bar at columns 2+2k: find the bar of each image.
            let pixels = a.real!.scalars
            for (row, label) in a.labels!.scalars.enumerated() {
                let column = (0..<28).first { pixels[row * 784 + 14 * 28 + $0] > 0 }
                #expect(column == 2 + 2 * Int(label))
            }
        }
        #expect(ahead.state == inline.state, "the saved state describes the batches handed out")
        _ = (images, labels)
    }

    /// A new run refuses a directory with other files and an existing run unless told to
    /// overwrite it; overwriting removes only the run's own files.
    @Test func newRunsNeverDeleteOtherFiles() throws {
        let data = try Fixtures.temporaryDirectory()
        try TinyDataset.write(to: data, count: 32)
        var config = TrainingConfig()
        config.dataDirectory = data
        config.steps = 2
        config.batchSize = 8
        let busy = try Fixtures.temporaryDirectory()
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: busy + "/notes.txt"))
        #expect(throws: ConfigError.self) { try TrainingRun(config: config, directory: busy, overwrite: true) }
        #expect(FileManager.default.fileExists(atPath: busy + "/notes.txt"))
        let run = try Fixtures.temporaryDirectory() + "/run"
        _ = try quietRun(TrainingRun(config: config, directory: run))
        try Data("mine".utf8).write(to: URL(fileURLWithPath: run + "/notes.txt"))
        let refused = #expect(throws: ConfigError.self) { try TrainingRun(config: config, directory: run) }
        #expect(refused?.description.contains("--resume") == true && refused?.description.contains("--overwrite") == true)
        _ = try quietRun(TrainingRun(config: config, directory: run, overwrite: true))
        #expect(FileManager.default.fileExists(atPath: run + "/notes.txt"))
    }

    /// Weights say what they are; a run of the earlier format is refused with one line.
    @Test func weightsCarryTheirArchitectureAndOldRunsAreNamed() throws {
        let data = try Fixtures.temporaryDirectory()
        try TinyDataset.write(to: data, count: 32)
        var config = TrainingConfig()
        config.model = "dcgan"
        config.dataDirectory = data
        config.steps = 1
        config.batchSize = 4
        let run = try Fixtures.temporaryDirectory() + "/run"
        _ = try quietRun(TrainingRun(config: config, directory: run))
        #expect(try ModelRegistry.generator(forWeights: run + "/generator.safetensors", model: nil).0.name == "dcgan")
        let meta = try Safetensors.readWithMetadata(run + "/discriminator.safetensors").metadata
        #expect(meta["swiftgan.model"] == "dcgan" && meta["swiftgan.role"] == "discriminator" && meta["swiftgan.format"] == "2")

        let old = try Fixtures.temporaryDirectory()
        try Data("{}".utf8).write(to: URL(fileURLWithPath: old + "/config.json"))
        // Format 1 kept one noise stream in each checkpoint's state.json.
        try FileManager.default.createDirectory(atPath: old + "/checkpoints/step_000010", withIntermediateDirectories: true)
        try Data(#"{"step": 10, "noise": {"seed": 1, "offset": 0}}"#.utf8)
            .write(to: URL(fileURLWithPath: old + "/checkpoints/step_000010/state.json"))
        let error = #expect(throws: ConfigError.self) { try TrainingRun(resuming: old, steps: nil) }
        #expect(error?.description == "\(old): written by an earlier SwiftGAN (run format 1); this version resumes format 2 only — start a new run")
    }

    /// Settings given as flags go through the same field list as JSON: a family's own option,
    /// switches, and one-line errors that name the flag.
    @Test func commandLineSettingsUseTheFieldList() throws {
        var config = TrainingConfig()
        try config.apply(arguments: ["--model", "toy-cycle", "--lambda-cycle", "5", "--spectral-norm", "--lr-d=0.001", "--steps", "7"])
        #expect(config.model == "toy-cycle" && config.option("lambdaCycle", as: Float.self) == 5)
        #expect(config.spectralNorm && config.learningRateD == 0.001 && config.steps == 7)
        let encoded = try TrainingConfig.decode(config.encoded())
        #expect(encoded == config)
        var mlp = TrainingConfig()
        let foreign = #expect(throws: ConfigError.self) { try mlp.apply(arguments: ["--lambda-cycle", "5"]) }
        #expect(foreign?.description == "unknown option '--lambda-cycle' for model mlp (it is a setting of --model cyclegan and --model toy-cycle)")
        for (arguments, message) in [(["--lr-g", "inf"], "--lr-g must be a finite float32 number, got 'inf'"),
                                     (["--steps", "many"], "--steps must be an integer, got 'many'"),
                                     (["--steps"], "--steps needs a value"),
                                     (["--model", "gpt"], "unknown model 'gpt' (choose from \(ModelRegistry.names.joined(separator: ", ")))")] {
            var c = TrainingConfig()
            let error = #expect(throws: ConfigError.self) { try c.apply(arguments: arguments) }
            #expect(error?.description == message)
        }
        let dir = try Fixtures.temporaryDirectory()
        try Data(#"{"model": "toy-cycle", "lambdaCycle": 2.5}"#.utf8).write(to: URL(fileURLWithPath: dir + "/c.json"))
        #expect(try TrainingConfig.load(dir + "/c.json").option("lambdaCycle", as: Float.self) == 2.5)
        try Data(#"{"lambdaCycle": 2.5}"#.utf8).write(to: URL(fileURLWithPath: dir + "/d.json"))
        #expect(throws: ConfigError.self) { try TrainingConfig.load(dir + "/d.json") }
    }

    /// A conditional recipe gets each batch's labels (IDX labels here), trains with them, and
    /// shows one panel row per class; unlabeled data is refused.
    @Test func conditionalRecipeTrainsOnLabelsWithOneRowPerClass() throws {
        let data = try Fixtures.temporaryDirectory()
        try TinyDataset.write(to: data, count: 128)
        var config = TrainingConfig()
        config.model = "cgan-mlp"
        config.dataDirectory = data
        config.steps = 30
        config.batchSize = 16
        config.sampleCount = 30
        config.sampleEvery = 30
        config.logEvery = 10
        let out = try Fixtures.temporaryDirectory() + "/run"
        let run = try TrainingRun(config: config, directory: out)
        let summary = try quietRun(run)
        #expect(summary.finalLossD.isFinite && summary.finalLossG.isFinite)
        let recipe = try #require(run.trainer.recipe as? ConditionalGANRecipe)
        var rng = RandomGenerator(seed: 1)
        let inputs = recipe.panelInputs(count: 30, reference: Batch(), generator: &rng)
        #expect(inputs.batch.labels!.scalars == (0..<10).flatMap { Array(repeating: Float($0), count: 3) })
        let panel = recipe.panel(inputs)
        #expect(panel.images.shape == [30, 1, 28, 28] && panel.columns == 3)
        // The generator's output depends on the class it is asked for.
        let z = Tensor.concat([rng.normal([1, 64]), rng.normal([1, 64])].map { _ in rng.normal([1, 64]) }, axis: 0)
        let same = Tensor.concat([z.slice(axis: 0, 0..<1), z.slice(axis: 0, 0..<1)], axis: 0)
        let outputs = withNoGrad { recipe.generator(same, [0, 7]) }.scalars
        #expect(outputs[0..<784] != outputs[784..<1568])

        let points = try Fixtures.temporaryDirectory() + "/points"
        var unlabeled = config
        unlabeled.dataset = "ring8"
        unlabeled.dataDirectory = nil
        let error = #expect(throws: ConfigError.self) { try TrainingRun(config: unlabeled, directory: points) }
        #expect(error?.description.contains("cgan-mlp") == true)
    }
}
