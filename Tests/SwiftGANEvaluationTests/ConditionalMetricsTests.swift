import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

/// Conditional accuracy and intra-class FID: exact values on constructed features, and on MNIST
/// with the shipped evaluator a "generator" that returns real images of the class it is asked
/// for against one that ignores the class.
@Suite struct ConditionalMetricsTests {
    /// Probabilities [n, k] that put 0.9 on `predicted[i]`.
    static func probabilities(_ predicted: [Int], classes: Int) -> Tensor {
        var values = [Float](repeating: 0.1 / Float(classes - 1), count: predicted.count * classes)
        for (i, k) in predicted.enumerated() { values[i * classes + k] = 0.9 }
        return Tensor(values, shape: [predicted.count, classes])
    }

    @Test func accuracyCountsSamplesClassifiedAsTheClassAskedFor() throws {
        let requested = [0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2]
        let predicted = [0, 1, 2, 0, 1, 0, 1, 1, 2, 0, 2, 0]  // class 0: 3 of 4, class 1: 3 of 4, class 2: 2 of 4
        let result = try ConditionalMetrics.accuracy(probabilities: Self.probabilities(predicted, classes: 3), requested: requested, classCount: 3)
        #expect(result.overall == 8.0 / 12.0)
        #expect(result.perClass == [0.75, 0.75, 0.5])
        #expect(throws: MetricError.self, "a class without samples") {
            try ConditionalMetrics.accuracy(probabilities: Self.probabilities([0, 1], classes: 3), requested: [0, 1], classCount: 3)
        }
    }

    /// Fakes of class k are the real features of class k shifted by s_k (in another row order),
    /// so their covariance is the same and the FID of class k is exactly ‖s_k‖²; with the labels
    /// shuffled across classes the classes' features mix and the intra-class FID grows.
    @Test func intraClassFIDIsTheMeanOfThePerClassDistances() throws {
        let (classes, perClass, d) = (3, 40, 6)
        var rng = RandomGenerator(seed: 4)
        let base = rng.normal([classes * perClass, d]).scalars
        var real = [Float](), realLabels = [Int]()
        for k in 0..<classes {
            for i in 0..<perClass {
                real += (0..<d).map { base[(k * perClass + i) * d + $0] + Float(3 * k) }
                realLabels.append(k)
            }
        }
        let shifts: [Float] = [0, 0.5, 2]  // along the first feature: FIDs 0, 0.25, 4
        let order = rng.permutation(classes * perClass)
        var fake = [Float](), fakeLabels = [Int]()
        for row in order {
            let k = realLabels[row]
            fake += (0..<d).map { real[row * d + $0] + ($0 == 0 ? shifts[k] : 0) }
            fakeLabels.append(k)
        }
        let realFeatures = Tensor(real, shape: [classes * perClass, d]), fakeFeatures = Tensor(fake, shape: [classes * perClass, d])
        let intra = try ConditionalMetrics.intraClassFID(real: realFeatures, realLabels: realLabels, fake: fakeFeatures,
                                                        fakeLabels: fakeLabels, classCount: classes)
        for (k, expected) in [0.0, 0.25, 4.0].enumerated() {
            #expect(abs(intra.perClass[k] - expected) < 1e-3, "class \(k): \(intra.perClass[k]), expected \(expected)")
        }
        #expect(abs(intra.overall - 4.25 / 3) < 1e-3)

        let ignored = try ConditionalMetrics.intraClassFID(real: realFeatures, realLabels: realLabels, fake: fakeFeatures,
                                                          fakeLabels: rng.permutation(fakeLabels.count).map { fakeLabels[$0] }, classCount: classes)
        #expect(ignored.overall > 10 * intra.overall, "labels that do not say the class: \(ignored.overall) vs \(intra.overall)")
        #expect(throws: MetricError.self, "one real sample of a class") {
            try ConditionalMetrics.intraClassFID(real: realFeatures.slice(axis: 0, 0..<(2 * perClass + 1)),
                                                 realLabels: Array(realLabels.prefix(2 * perClass + 1)),
                                                 fake: fakeFeatures, fakeLabels: fakeLabels, classCount: classes)
        }
    }

    /// MNIST, the shipped evaluator: 60 images of each digit asked for that digit score
    /// about 1 and a low intra-class FID; the same images asked for classes unrelated to them (as
    /// from a generator that ignores its labels) about 1/10 and a far higher one.
    @Test func realImagesOfTheRightClassScoreHighAndIgnoredLabelsScoreAChance() throws {
        let evaluator = try EvaluatorNetwork.pretrained(for: .mnist)
        // The "generated" images are test images 1,000 on, compared with the first 1,000 (the
        // test split alone loads fastest).
        let all = try ImageDataset.load(.mnist, split: .test, directory: Fixtures.mnistDirectory).prefix(3000)
        let test = all.prefix(1000)
        var picked = [Int]()
        for k in 0..<10 { picked += (1000..<all.count).filter { all.labels[$0] == k }.prefix(60) }
        let images = all.images(at: picked)
        let right = picked.map { all.labels[$0] }
        let perfect = try MetricReport.evaluate(images: images, against: test, evaluator: evaluator, labels: right, kidSubsets: 1)
        #expect(perfect.conditionalAccuracy! > 0.95 && perfect.conditionalAccuracyPerClass!.allSatisfy { $0 > 0.85 },
                "\(perfect.conditionalAccuracyPerClass!)")
        #expect(perfect.intraFIDPerClass!.count == 10)
        let json = perfect.json()
        for key in ["\"conditional_accuracy\":", "\"conditional_accuracy_per_class\":[", "\"intra_fid\":", "\"intra_fid_per_class\":["] {
            #expect(json.contains(key), "\(key) in \(json)")
        }

        let (fake, probabilities) = evaluator.extract(images)
        let real = evaluator.extract(from: test).features
        var rng = RandomGenerator(seed: 1)
        let ignored = rng.permutation(right.count).map { right[$0] }  // the class asked for, unrelated to the image
        let ignoring = try ConditionalMetrics.accuracy(probabilities: probabilities, requested: ignored, classCount: 10)
        #expect(abs(ignoring.overall - 0.1) < 0.05, "labels ignored: \(ignoring.overall)")
        let wrong = try ConditionalMetrics.accuracy(probabilities: probabilities, requested: right.map { ($0 + 1) % 10 }, classCount: 10)
        #expect(wrong.overall < 0.05, "never the digit shown: \(wrong.overall)")
        let intra = try ConditionalMetrics.intraClassFID(real: real, realLabels: test.labels, fake: fake, fakeLabels: ignored, classCount: 10)
        #expect(intra.overall > 3 * perfect.intraFID!, "intra-class FID \(intra.overall) vs \(perfect.intraFID!)")
    }
}
