import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

/// DiffAugment: the official transforms (against PyTorch, forward, backward and double
/// backward), its random draws, paired data, settings, and exact resume with it on.
@Suite struct DiffAugmentTests {
    /// The parameters of the PyTorch fixture (make_diffaugment_fixtures.py).
    func fixtureParameters(_ f: [String: Tensor], shape: [Int]) -> DiffAugment.Parameters {
        var p = DiffAugment.Parameters(batch: shape[0], height: shape[2], width: shape[3])
        func ints(_ key: String) -> [Int] { f[key]!.scalars.map { Int($0) } }
        p.brightness = f["brightness"]!.scalars
        p.saturation = f["saturation"]!.scalars
        p.contrast = f["contrast"]!.scalars
        p.rowShift = ints("row_shift")
        p.columnShift = ints("column_shift")
        p.cutoutRow = ints("cutout_row")
        p.cutoutColumn = ints("cutout_column")
        return p
    }

    /// Each policy and the three together, with PyTorch's per-sample parameters: the images,
    /// the gradient of a weighted sum, and the gradient of a gradient (R1 through the
    /// augmentation needs it).
    @Test func matchesPyTorchForwardBackwardAndDoubleBackward() throws {
        let f = try Fixtures.load("diffaugment.safetensors")
        let x = f["x"]!, w = f["w"]!, v = f["v"]!
        let p = fixtureParameters(f, shape: x.shape)
        for policy in ["color", "translation", "cutout", "translation,cutout,color"] {
            let augment = try DiffAugment(parsing: policy)
            let input = x.copy()
            input.requiresGrad = true
            let y = augment.apply(input, p)
            #expect(relativeError(y, f["\(policy).y"]!) < 1e-5, "\(policy): forward")
            let gradient = grad(of: (w * y).sum(), wrt: [input])[0]
            #expect(relativeError(gradient, f["\(policy).grad"]!) < 1e-5, "\(policy): backward")
            let y2 = augment.apply(input, p)
            let first = grad(of: (w * y2 * y2).sum(), wrt: [input], createGraph: true)[0]
            let second = grad(of: (v * first).sum(), wrt: [input])[0]
            #expect(relativeError(second, f["\(policy).grad2"]!) < 1e-5, "\(policy): double backward")
        }
    }

    /// No policies: the input itself, and nothing drawn.
    @Test func noPoliciesIsTheIdentity() throws {
        var rng = RandomGenerator(seed: 3)
        let x = rng.normal([2, 3, 8, 8])
        let before = rng
        let none = try DiffAugment(parsing: "")
        #expect(!none.isEnabled && none(x, generator: &rng) === x && rng == before)
        var streams: [String: RandomGenerator] = [:]
        #expect(none(x, streams: &streams) === x && streams.isEmpty, "no stream is started for nothing")
        #expect(!TrainingConfig().diffAugmentation.isEnabled)
        // With policies, the output differs and the stream advances.
        let all = try DiffAugment(parsing: "translation,cutout,color")
        #expect(relativeError(all(x, generator: &rng), x) > 0.1 && rng != before)
    }

    /// Over many draws, shifts cover exactly -s...s (s = int(size/8 + 0.5)) evenly, cutout
    /// centres cover 0...size - side % 2, and the color factors stay in their ranges.
    @Test func drawsCoverTheOfficialRanges() throws {
        let augment = DiffAugment(policies: [.color, .translation, .cutout])
        var rng = RandomGenerator(seed: 11)
        let n = 9000
        let p = augment.draw(batch: n, height: 32, width: 20, generator: &rng)
        #expect(DiffAugment.maximumShift(size: 32) == 4 && DiffAugment.maximumShift(size: 20) == 3)
        func expectUniform(_ values: [Int], over range: ClosedRange<Int>, _ what: String) {
            let counts = Dictionary(grouping: values, by: { $0 }).mapValues(\.count)
            #expect(Set(counts.keys) == Set(range), "\(what): values \(counts.keys.sorted()) instead of \(range)")
            // Pearson's χ² against uniform, allowed 5 standard deviations above its mean.
            let expected = Double(values.count) / Double(range.count)
            let chiSquared = counts.values.map { (Double($0) - expected) * (Double($0) - expected) / expected }.reduce(0, +)
            let freedom = Double(range.count - 1)
            #expect(chiSquared < freedom + 5 * (2 * freedom).squareRoot(), "\(what): χ² \(chiSquared) for \(counts)")
        }
        expectUniform(p.rowShift, over: -4...4, "row shifts")
        expectUniform(p.columnShift, over: -3...3, "column shifts")
        expectUniform(p.cutoutRow, over: 0...32, "cutout rows (side 16, even)")
        expectUniform(p.cutoutColumn, over: 0...20, "cutout columns (side 10, even)")
        let odd = augment.draw(batch: 2000, height: 14, width: 14, generator: &rng)
        expectUniform(odd.cutoutRow, over: 0...13, "cutout rows (side 7, odd)")
        #expect(p.brightness.allSatisfy { $0 >= -0.5 && $0 < 0.5 } && abs(p.brightness.reduce(0, +) / Float(n)) < 0.02)
        #expect(p.saturation.allSatisfy { $0 >= 0 && $0 < 2 } && abs(p.saturation.reduce(0, +) / Float(n) - 1) < 0.03)
        #expect(p.contrast.allSatisfy { $0 >= 0.5 && $0 < 1.5 } && abs(p.contrast.reduce(0, +) / Float(n) - 1) < 0.02)
    }

    /// A translation moves a lone pixel by the drawn shift, and one whose shift takes it out of
    /// the image leaves zeros; a cutout at the corner is clamped to the image.
    @Test func translationMovesAndCutoutClamps() throws {
        var pixels = [Float](repeating: 0, count: 2 * 6 * 5)
        pixels[2 * 5 + 3] = 1            // sample 0, row 2, column 3
        pixels[30 + 0 * 5 + 0] = 1       // sample 1, row 0, column 0
        let x = Tensor(pixels, shape: [2, 1, 6, 5])
        let moved = DiffAugment.translate(x, rows: [1, 1], columns: [-1, 0]).scalars
        // out(i, j) = in(i + 1, j - 1): the pixel at (2, 3) appears at (1, 4); (0, 0) leaves.
        #expect(moved[1 * 5 + 4] == 1 && moved.reduce(0, +) == 1, "translation: \(moved)")
        let ones = Tensor.ones([1, 1, 6, 5])
        // side 3 rows, 3 columns: centre (0, 4) cuts rows 0...1 and columns 3...4 only.
        let cut = DiffAugment.cutOut(ones, rows: [0], columns: [4]).scalars
        let zeros = cut.indices.filter { cut[$0] == 0 }
        #expect(zeros == [3, 4, 8, 9], "cutout zeros at \(zeros)")
    }

    /// Paired data: one draw transforms A and B alike (B = A gives equal outputs), and costs the
    /// stream one draw.
    @Test func severalTensorsShareOneDraw() throws {
        let augment = DiffAugment(policies: [.translation, .cutout, .color])
        var rng = RandomGenerator(seed: 5)
        let a = rng.normal([4, 3, 16, 16])
        var g1 = RandomGenerator(seed: 9), g2 = g1
        let (outA, outB) = augment([a, a.copy()], generator: &g1).pair
        #expect(relativeError(outA, outB) == 0, "A and B transformed alike")
        #expect(relativeError(outA, augment(a, generator: &g2)) == 0 && g1 == g2, "the same draw as one tensor")
        let again = augment(a, generator: &g2)
        #expect(relativeError(again, outA) > 0.01, "the next draw differs")
    }

    @Test func badListsAreRefusedWithTheFlagAndThePolicy() throws {
        #expect(throws: DiffAugmentError.unknownPolicy("colour")) { try DiffAugment(parsing: "translation,colour") }
        #expect(throws: DiffAugmentError.repeatedPolicy("cutout")) { try DiffAugment(parsing: "cutout,color,cutout") }
        #expect(try DiffAugment(parsing: "cutout, color").policies == [.cutout, .color])
        var config = TrainingConfig()
        config.model = "dcgan"
        try config.apply(arguments: ["--diffaugment", "translation,zoom"])
        #expect(config.diffAugment == "translation,zoom")
        let bad = #expect(throws: ConfigError.self) { try config.validate() }
        #expect(bad?.description == "--diffaugment [diffAugment] has an unknown policy 'zoom' (choose from color, translation, cutout), got 'translation,zoom'")
        config.diffAugment = "translation"
        try config.validate()
        config.model = "toy"
        let points = #expect(throws: ConfigError.self) { try config.validate() }
        #expect(points?.description == "model toy trains on 2-D points; --diffaugment augments images")
        config.model = "toy-cycle"
        #expect(throws: ConfigError.self) { try config.validate() }
    }

    /// A DCGAN step with DiffAugment: G's gradient flows through the augmentation, R1 runs
    /// through it to second order, and the augment stream advances twice per D step (reals and
    /// fakes) and once per G step.
    @Test func dcganStepAugmentsEveryInputOfD() throws {
        var config = TrainingConfig()
        config.model = "dcgan"
        config.batchSize = 4
        config.r1Gamma = 1
        config.diffAugment = "translation,cutout,color"
        let recipe = ClassicGANRecipe(config: config, architecture: .dcgan)
        var rng = RandomGenerator(seed: 1)
        let real = rng.normal([4, 1, 28, 28]).clamp(min: -1, max: 1)
        let start = recipe.randomStreams[DiffAugment.streamName]!
        let stats = recipe.step(real: real)
        #expect(stats.lossD.isFinite && stats.lossG.isFinite)
        var expected = start
        for _ in 0..<3 { _ = recipe.augment.draw(batch: 4, height: 28, width: 28, generator: &expected) }
        #expect(recipe.randomStreams[DiffAugment.streamName] == expected, "three draws: real, fake, G's fake")

        var plain = config
        plain.diffAugment = nil
        let unaugmented = ClassicGANRecipe(config: plain, architecture: .dcgan)
        #expect(unaugmented.randomStreams[DiffAugment.streamName] == nil, "no stream without policies")
        unaugmented.step(real: real)
        let (g1, g2) = (recipe.generator.parameters()[0], unaugmented.generator.parameters()[0])
        #expect(relativeError(g1, g2) > 0, "augmentation changes G's update")
    }

    func quietRun(_ config: TrainingConfig, _ directory: String) throws {
        let run = try TrainingRun(config: config, directory: directory)
        run.showProgress = false
        _ = try run.run()
    }

    /// A run with DiffAugment (and R1 through it, several D steps) stopped at step 10 and
    /// resumed to 20 ends with the same bytes as one that never stopped: the augment stream is
    /// checkpointed.
    @Test func resumeWithDiffAugmentIsBitwiseExact() throws {
        let data = try Fixtures.temporaryDirectory()
        try TinyDataset.write(to: data, count: 96)
        var config = TrainingConfig()
        config.dataDirectory = data
        config.steps = 20
        config.batchSize = 16
        config.checkpointEvery = 10
        config.sampleEvery = 20
        config.logEvery = 10
        config.r1Gamma = 1
        config.regularizationInterval = 2
        config.discriminatorSteps = 2
        config.diffAugment = "translation,cutout,color"
        let whole = try Fixtures.temporaryDirectory() + "/whole"
        try quietRun(config, whole)
        let split = try Fixtures.temporaryDirectory() + "/split"
        var first = config
        first.steps = 10
        try quietRun(first, split)
        let state = try String(contentsOfFile: split + "/checkpoints/step_000010/state.json", encoding: .utf8)
        #expect(state.contains("\"augment\""), "the checkpoint holds the augment stream")
        let resumed = try TrainingRun(resuming: split, steps: 20)
        resumed.showProgress = false
        _ = try resumed.run()
        for file in ["generator.safetensors", "discriminator.safetensors", "checkpoints/step_000020/optimizers.safetensors",
                     "checkpoints/step_000020/state.json"] {
            #expect(try AtomicFile.read("\(whole)/\(file)") == AtomicFile.read("\(split)/\(file)"), "\(file) differs after resume")
        }
    }
}
