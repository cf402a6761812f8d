import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

/// The memorization check finds planted copies of training images, and real held-out images
/// score about the 1% the threshold is calibrated to.
@Suite struct MemorizationTests {
    @Test func nearestNeighboursMatchBruteForce() {
        var rng = RandomGenerator(seed: 4)
        let queries = rng.normal([300, 7]), references = rng.normal([50, 7])
        let (distances, indices) = Memorization.nearest(queries, in: references)
        let q = queries.scalars, r = references.scalars
        for i in 0..<300 {
            let all = (0..<50).map { j in (0..<7).reduce(Float(0)) { $0 + (q[i * 7 + $1] - r[j * 7 + $1]) * (q[i * 7 + $1] - r[j * 7 + $1]) }.squareRoot() }
            let best = all.indices.min { all[$0] < all[$1] }!
            #expect(indices[i] == best)
            #expect(abs(distances[i] - all[best]) < 1e-4)
        }
        #expect(Memorization.percentile([4, 1, 3, 2, 5], 50) == 3)
        #expect(abs(Memorization.percentile((1...101).map(Float.init), 1) - 2) < 1e-9)
    }

    @Test func findsPlantedCopiesAndPassesHeldOutImages() throws {
        let train = try ImageDataset.load(.mnist, split: .train, directory: Fixtures.mnistDirectory).prefix(2000)
        let allTest = try ImageDataset.load(.mnist, split: .test, directory: Fixtures.mnistDirectory)
        let test = allTest.prefix(500)
        let evaluator = try EvaluatorNetwork.pretrained(for: .mnist)
        // Held-out real images (not the calibration ones): near-copies about as rare as 1%.
        let heldOut = allTest.images.slice(axis: 0, 500..<900)
        let honest = try Memorization.check(images: heldOut, train: train, test: test, evaluator: evaluator)
        #expect(honest.pixelShare < 0.04 && honest.featureShare < 0.04, "\(honest.json())")
        // 40 exact copies of training images among 400: at least those 40 are near-copies, and
        // they are the closest pairs, matched to the images they copy.
        let copied = Array(stride(from: 7, to: 2000, by: 50).prefix(40))
        let planted = Tensor.concat(copied.map { train.images.slice(axis: 0, $0..<($0 + 1)) } + [heldOut.slice(axis: 0, 0..<360)], axis: 0)
        let report = try Memorization.check(images: planted, train: train, test: test, evaluator: evaluator, pairs: 16)
        #expect(report.pixels.nearCopies >= 40 && report.features.nearCopies >= 40, "\(report.json())")
        #expect(report.pixelShare >= 0.1 && report.conclusion.hasPrefix("memorization:"))
        #expect(honest.conclusion.hasPrefix("no sign of memorization") || honest.pixelShare > 0.01 || honest.featureShare > 0.01)
        #expect(report.closest.count == 16)
        for pair in report.closest {
            #expect(pair.sample < 40 && pair.trainingImage == copied[pair.sample] && pair.pixelDistance < 1e-2)
        }
        #expect(report.pixels.threshold > 0 && report.features.threshold > 0)
        #expect(report.pixels.medianTest == honest.pixels.medianTest)
    }

    @Test func refusesImagesTheEvaluatorDoesNotTake() throws {
        let train = try ImageDataset.load(.mnist, split: .test, directory: Fixtures.mnistDirectory).prefix(20)
        #expect(throws: (any Error).self) {
            try Memorization.check(images: Tensor.zeros([4, 3, 32, 32]), train: train, test: train, evaluator: try EvaluatorNetwork.pretrained(for: .mnist))
        }
    }
}
