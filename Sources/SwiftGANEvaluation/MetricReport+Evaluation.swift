import Foundation
import SwiftGANData
import SwiftGANEngine

/// Evaluating generated images with an evaluator network: the feature metrics against real
/// images, plus what the evaluator's classes give (Inception-style score, mode counting, KL
/// from uniform) and the classifier two-sample test.
extension MetricReport {
    /// Everything the shipped evaluator gives for generated images against a dataset's test
    /// split: the feature metrics, the Inception-style score, mode counting and the classifier
    /// two-sample test.
    public static func evaluate(images: Tensor, against dataset: ImageDataset.Known, directory: String? = nil,
                                labels: [Int]? = nil, kidSubsets: Int = 100) throws -> MetricReport {
        let evaluator = try EvaluatorNetwork.pretrained(for: dataset)
        let test = try ImageDataset.load(dataset, split: .test, directory: directory)
        var report = try evaluate(images: images, against: test, evaluator: evaluator, labels: labels, kidSubsets: kidSubsets)
        report.realDescription = "test (real)"
        return report
    }

    /// The four figures a generator is watched by (during training, in the practice lab): FID,
    /// precision and recall of `images` against `realFeatures` (the same evaluator's), and the
    /// evaluator's classes the images cover.
    public static func qualityAndCoverage(of images: Tensor, evaluator: EvaluatorNetwork,
                                          realFeatures: Tensor) throws -> (fid: Double, precision: Double, recall: Double, modes: Int) {
        let (features, probabilities) = evaluator.extract(images)
        let report = try compare(real: realFeatures, fake: features, metrics: [.fid, .pr])
        return (report.fid!, report.precision!, report.recall!, ClassStatistics.modes(probabilities: probabilities).modesCovered)
    }

    /// Everything `evaluator` gives for generated `images` ([n, C, H, W], or flattened) against
    /// the real images of `real` (those at `indices`, or all). Mode counting and the KL divergence
    /// count the evaluator's K classes; when `real` is labeled, the recall of each of its classes
    /// says which ones the generated images miss. With `labels`, the class each image was asked for (a
    /// conditional generator's, in the evaluator's K classes), the report adds the conditional
    /// accuracy and the intra-class FID against `real`'s labeled images. Images of another shape
    /// than the evaluator's input are a one-line error naming both shapes.
    ///
    /// ```swift
    /// let evaluator = try EvaluatorNetwork.load(evaluatorFile: "flowers-evaluator.safetensors")
    /// let report = try MetricReport.evaluate(images: generated, against: flowers, evaluator: evaluator)
    /// print(report.fid!, report.modesCovered!, "of", report.classCount!)
    /// ```
    public static func evaluate(images: Tensor, against real: any ImageCollection, indices: [Int]? = nil,
                                evaluator: EvaluatorNetwork, labels: [Int]? = nil, kidSubsets: Int = 100) throws -> MetricReport {
        try checkShape(of: real, "the real images", evaluator)
        try evaluator.checkInput(images.shape, "the generated images")
        let realFeatures = evaluator.extract(from: real, indices: indices).features
        let realLabels = real.labels.map { all in (indices ?? Array(0..<real.count)).map { all[$0] } }
        let (fakeFeatures, probabilities) = evaluator.extract(images)
        var report = try compare(real: realFeatures, fake: fakeFeatures, kidSubsets: kidSubsets, realLabels: realLabels,
                                 classCount: evaluator.classCount)
        let score = ClassStatistics.inceptionScore(probabilities: probabilities)
        report.inceptionScoreMean = score.mean
        report.inceptionScoreStd = score.standardDeviation
        let modes = ClassStatistics.modes(probabilities: probabilities)
        report.modesCovered = modes.modesCovered
        report.classCount = evaluator.classCount
        report.klFromUniform = modes.klFromUniform
        report.twoSampleAccuracy = try TwoSampleTest.accuracy(real: realFeatures, fake: fakeFeatures)
        if let labels {
            try report.addConditionalMetrics(probabilities: probabilities, features: fakeFeatures, labels: labels,
                                             realFeatures: realFeatures, realLabels: realLabels,
                                             classCount: evaluator.classCount)
        }
        return report
    }

    /// Generated `images` against a loaded dataset's real images: its test split when it has
    /// one, else its training split.
    public static func evaluate(images: Tensor, against data: LoadedDataset, evaluator: EvaluatorNetwork,
                                labels: [Int]? = nil, kidSubsets: Int = 100) throws -> MetricReport {
        let (real, split) = try realImages(of: data)
        var report = try evaluate(images: images, against: real, evaluator: evaluator, labels: labels, kidSubsets: kidSubsets)
        report.realDescription = "\(split) (real)"
        return report
    }

    /// The real data against itself, the floor a generator can reach: with a test split, all
    /// of it against the first `count` training images; without one, the even-numbered training
    /// images against (the first `count` of) the odd-numbered ones, two disjoint halves with
    /// every class in both.
    public static func evaluateRealVsReal(_ data: LoadedDataset, evaluator: EvaluatorNetwork, count: Int,
                                          kidSubsets: Int = 100) throws -> MetricReport {
        let train = try singleImages(data.train, data.name)
        try checkShape(of: train, "the real images", evaluator)
        var report: MetricReport
        if let split = data.test {
            let test = try singleImages(split, data.name)
            let images = train.images(at: Array(0..<min(count, train.count)))
            report = try evaluate(images: images, against: test, evaluator: evaluator, kidSubsets: kidSubsets)
            (report.realDescription, report.fakeDescription) = ("test (real)", "train (real)")
        } else {
            let even = Array(stride(from: 0, to: train.count, by: 2)), odd = Array(stride(from: 1, to: train.count, by: 2))
            let images = train.images(at: Array(odd.prefix(count)))
            report = try evaluate(images: images, against: train, indices: even, evaluator: evaluator, kidSubsets: kidSubsets)
            (report.realDescription, report.fakeDescription) = ("even train images (real)", "odd train images (real)")
        }
        return report
    }

    /// The images a generator is compared with, and which split they are.
    static func realImages(of data: LoadedDataset) throws -> (any ImageCollection, String) {
        if let test = data.test { return (try singleImages(test, data.name), "test") }
        return (try singleImages(data.train, data.name), "train")
    }

    private static func singleImages(_ layout: DataLayout, _ name: String) throws -> any ImageCollection {
        guard case .images(let images) = layout else {
            throw MetricError("\(name): holds paired or unpaired images; the evaluator compares single images")
        }
        return images
    }

    private static func checkShape(of images: any ImageCollection, _ what: String, _ evaluator: EvaluatorNetwork) throws {
        guard images.imageShape == evaluator.inputShape else {
            throw MetricError("\(what) are \(EvaluatorNetwork.describe(images.imageShape)) but the evaluator takes \(EvaluatorNetwork.describe(evaluator.inputShape)) images")
        }
    }
}
