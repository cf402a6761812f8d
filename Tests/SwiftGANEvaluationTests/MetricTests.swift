import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

/// Each metric against its reference implementation on the same feature matrices
/// (`Tests/Fixtures/metrics.safetensors`): FID against pytorch-fid's
/// `calculate_frechet_distance`, KID against torch-fidelity's `kid_features_to_metric` with one
/// subset of all samples, precision/recall/density/coverage against `prdc`.
@Suite struct MetricTests {
    static let f = try! Fixtures.load("metrics.safetensors")

    /// (n, m, d) = (300, 250, 16), (120, 120, 64) and (40, 40, 100): n < d included.
    @Test(arguments: ["a", "b", "c"])
    func metricsMatchTheReferenceImplementations(_ name: String) throws {
        let (real, fake) = (Self.f["\(name).real"]!, Self.f["\(name).fake"]!)
        func close(_ ours: Double, _ key: String, _ tolerance: Double = 1e-4) {
            let reference = Double(Self.f["\(name).\(key)"]!.item)
            #expect(abs(ours - reference) <= tolerance * max(abs(reference), 1e-12), "\(name) \(key): \(ours) vs \(reference)")
        }
        close(try FrechetDistance.compute(real: real, fake: fake), "fid")
        let k = min(real.shape[0], fake.shape[0])
        let kid = try KernelInceptionDistance.compute(real: real.slice(axis: 0, 0..<k), fake: fake.slice(axis: 0, 0..<k),
                                                      subsets: 1, subsetSize: k)
        close(kid.mean, "kid_all")
        let prdc = try PrecisionRecall.compute(real: real, fake: fake, nearestK: 3)
        close(prdc.precision, "precision")
        close(prdc.recall, "recall")
        close(prdc.density, "density")
        close(prdc.coverage, "coverage")
    }

    /// Too few rows, NaN or infinity, and zero KID subsets are errors, not traps or NaN results.
    @Test func degenerateFeaturesAreErrors() throws {
        var rng = RandomGenerator(seed: 8)
        let x = rng.normal([30, 4])
        var values = x.scalars
        values[5] = .nan
        let withNaN = Tensor(values, shape: [30, 4])
        values[5] = -.infinity
        let withInfinity = Tensor(values, shape: [30, 4])
        for kind in MetricKind.allCases {
            for bad in [withNaN, withInfinity, rng.normal([1, 4]), Tensor.zeros([0, 4])] {
                #expect(throws: MetricError.self, "\(kind) with \(bad.shape)") { try MetricReport.compare(real: x, fake: bad, metrics: [kind]) }
            }
        }
        #expect(throws: MetricError.self) { try FrechetDistance.compute(real: x, fake: rng.normal([1, 4])) }
        #expect(throws: MetricError.self) { try KernelInceptionDistance.compute(real: x, fake: x, subsets: 0, subsetSize: 10) }
    }

    /// Distances are computed in row blocks of bounded memory; blocks of a few rows give the
    /// same figures as one block of everything (and both match prdc, above).
    @Test(arguments: ["a", "b", "c"])
    func precisionRecallDoesNotDependOnTheBlockSize(_ name: String) throws {
        let (real, fake) = (Self.f["\(name).real"]!, Self.f["\(name).fake"]!)
        let whole = try PrecisionRecall.compute(real: real, fake: fake, nearestK: 3, blockBytes: .max / 2)
        for blockBytes in [1, 4 * 7 * max(real.shape[0], fake.shape[0]), 4096] {
            let blocked = try PrecisionRecall.compute(real: real, fake: fake, nearestK: 3, blockBytes: blockBytes)
            #expect(blocked.precision == whole.precision && blocked.recall == whole.recall, "\(name) blocks of \(blockBytes) bytes")
            #expect(blocked.density == whole.density && blocked.coverage == whole.coverage, "\(name) blocks of \(blockBytes) bytes")
            #expect(abs(blocked.precision - Double(Self.f["\(name).precision"]!.item)) <= 1e-4)
        }
    }

    /// Recall per real class: generated samples near one of two classes recall that class and
    /// not the other; the classes' recalls, weighted by their sizes, are the recall; labels that
    /// do not fit are a warning, not a trap.
    @Test func recallPerClassSaysWhichClassTheGeneratorMisses() throws {
        var rng = RandomGenerator(seed: 3)
        let near = rng.normal([40, 4]), far = rng.normal([60, 4]) + 10
        let real = Tensor.concat([near, far], axis: 0)
        let labels = [Int](repeating: 0, count: 40) + [Int](repeating: 1, count: 60)
        let fake = rng.normal([80, 4])
        let report = try MetricReport.compare(real: real, fake: fake, metrics: [.pr], realLabels: labels, classCount: 2)
        let perClass = try #require(report.recallPerClass)
        #expect(perClass.count == 2 && perClass[0] > 0.5 && perClass[1] == 0, "\(perClass)")
        #expect(abs((perClass[0] * 40 + perClass[1] * 60) / 100 - report.recall!) < 1e-12)
        #expect(report.warnings.isEmpty)
        // Generated samples near both classes recall both.
        let both = try MetricReport.compare(real: real, fake: Tensor.concat([rng.normal([40, 4]), rng.normal([40, 4]) + 10], axis: 0),
                                            metrics: [.pr], realLabels: labels, classCount: 2)
        #expect(both.recallPerClass.map { $0.allSatisfy { $0 > 0.5 } } == true, "\(String(describing: both.recallPerClass))")
        for (bad, count, reason) in [(Array(labels.dropLast()), 2, "99 labels for 100 real samples"),
                                     (labels, 3, "class 2 has 0 real samples; recalls per class need at least 1 of each class"),
                                     (labels.map { $0 * 5 }, 2, "real label 5 at index 40 is outside the classes 0...1")] {
            let unfit = try MetricReport.compare(real: real, fake: fake, metrics: [.pr], realLabels: bad, classCount: count)
            #expect(unfit.recallPerClass == nil && unfit.recall == report.recall)
            #expect(unfit.warnings == ["no recall per class: \(reason)"], "\(unfit.warnings)")
        }
        // Without labels there is nothing per class, and nothing to warn about.
        let unlabeled = try MetricReport.compare(real: real, fake: fake, metrics: [.pr])
        #expect(unlabeled.recallPerClass == nil && unlabeled.warnings.isEmpty && !unlabeled.json().contains("recall_per_class"))
    }

    @Test func fidOfASetWithItselfIsZeroAndGrowsWithAShift() throws {
        var rng = RandomGenerator(seed: 3)
        let x = rng.normal([500, 8])
        #expect(abs(try FrechetDistance.compute(real: x, fake: x)) < 1e-4)
        // Same covariance, mean shifted by 2 in one coordinate: FID = 4.
        let shifted = x + Tensor([2, 0, 0, 0, 0, 0, 0, 0])
        #expect(abs(try FrechetDistance.compute(real: x, fake: shifted) - 4) < 1e-3)
    }

    @Test func classStatisticsCountModes() {
        let uniform = Tensor.full([20, 10], 0.1)
        #expect(abs(ClassStatistics.inceptionScore(probabilities: uniform, splits: 2).mean - 1) < 1e-9)
        var confident = [Float](repeating: 0, count: 100 * 10)
        for i in 0..<100 { confident[i * 10 + i % 10] = 1 }
        let p = Tensor(confident, shape: [100, 10])
        #expect(abs(ClassStatistics.inceptionScore(probabilities: p, splits: 1).mean - 10) < 1e-6)
        let modes = ClassStatistics.modes(probabilities: p)
        #expect(modes.modesCovered == 10 && abs(modes.klFromUniform) < 1e-12)
        var oneClass = [Float](repeating: 0, count: 100 * 10)
        for i in 0..<100 { oneClass[i * 10 + 3] = 1 }
        let collapsed = ClassStatistics.modes(probabilities: Tensor(oneClass, shape: [100, 10]))
        #expect(collapsed.modesCovered == 1 && abs(collapsed.klFromUniform - log(10)) < 1e-9)
    }

    @Test func twoSampleTestTellsApartOnlyWhatDiffers() throws {
        var rng = RandomGenerator(seed: 5)
        let a = rng.normal([400, 6]), b = rng.normal([400, 6])
        #expect(try TwoSampleTest.accuracy(real: a, fake: b) < 0.6)
        #expect(try TwoSampleTest.accuracy(real: a, fake: b + 1.5) > 0.85)
    }

    @Test func shippedEvaluatorsReachTheirDocumentedAccuracy() throws {
        let mnist = try EvaluatorNetwork.pretrained(for: .mnist)
        let mnistTest = try ImageDataset.load(.mnist, split: .test, directory: Fixtures.mnistDirectory)
        #expect(mnist.accuracy(on: mnistTest) >= 0.99)
        let fashion = try EvaluatorNetwork.pretrained(for: .fashionMNIST)
        let fashionTest = try ImageDataset.load(.fashionMNIST, split: .test)
        #expect(fashion.accuracy(on: fashionTest) >= 0.91)
    }

    @Test func fidSeparatesTrainFromTestAndFromOneClass() throws {
        let evaluator = try EvaluatorNetwork.pretrained(for: .mnist)
        let train = try ImageDataset.load(.mnist, split: .train, directory: Fixtures.mnistDirectory).prefix(5000)
        let test = try ImageDataset.load(.mnist, split: .test, directory: Fixtures.mnistDirectory).prefix(5000)
        let testFeatures = evaluator.extract(test.images).features
        let floor = try FrechetDistance.compute(real: testFeatures, fake: evaluator.extract(train.images).features)
        let ones = (0..<train.count).filter { train.labels[$0] == 1 }
        let oneClass = train.images.rows(ones)
        let collapsed = try FrechetDistance.compute(real: testFeatures, fake: evaluator.extract(oneClass).features)
        #expect(floor < 0.05 * collapsed, "train vs test \(floor), one class \(collapsed)")
    }
}

@Suite struct MetricSpeedTests {
    /// The issue asks for under a second; the bound leaves room for a loaded CI machine.
    @Test func fidOfTenThousandBy128IsFast() throws {
        #expect(try FIDBenchmark.run(samples: 10_000, dimension: 128) < 2)
    }
}

@Suite struct MetricMemoryTests {
    /// With the buffer pool full, freed buffers go back to malloc at once: a metric that read a
    /// temporary's buffer after ARC released it would read reused memory and vary from call to call.
    @Test func metricsAreStableWhenTheBufferPoolIsFull() throws {
        do {
            // 33 buffers of 16 MiB: the first 32 fill the 512 MiB pool to the byte when released.
            let filler = (0..<33).map { _ in Tensor.zeros([4 << 20]) }
            _ = filler.count
        }
        var rng = RandomGenerator(seed: 12)
        let a = rng.normal([3000, 64]), b = rng.normal([3000, 64], mean: 0.2)
        // Corruption from reading freed memory repeats itself, so also check against a naive
        // double-precision covariance.
        let stats = FeatureStatistics(a)
        let x = a.scalars.map(Double.init)
        var worst = 0.0
        for i in 0..<64 {
            for j in 0..<64 {
                var c = 0.0
                for r in 0..<3000 { c += (x[r * 64 + i] - stats.mean[i]) * (x[r * 64 + j] - stats.mean[j]) }
                worst = max(worst, abs(c / 2999 - stats.covariance[i * 64 + j]))
            }
        }
        #expect(worst < 1e-4, "covariance differs from the naive one by \(worst)")
        let first = try MetricReport.compare(real: a, fake: b, metrics: [.fid, .kid], kidSubsets: 3, kidSubsetSize: 500)
        for _ in 0..<3 {
            let again = try MetricReport.compare(real: a, fake: b, metrics: [.fid, .kid], kidSubsets: 3, kidSubsetSize: 500)
            #expect(again.fid == first.fid && again.kidMean == first.kidMean)
        }
    }
}
