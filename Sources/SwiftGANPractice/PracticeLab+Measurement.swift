import Foundation
import SwiftGANCore
import SwiftGANEngine
import SwiftGANEvaluation
import SwiftGANImages

/// How the lab measures generators: FID, precision, recall and digits covered in the shipped
/// MNIST evaluator's features, against test or training images, and sample grids.
extension PracticeLab {
    /// Figures of a generator against real MNIST images.
    public struct Figures: Equatable, Sendable {
        public var fid: Double
        public var precision: Double
        public var recall: Double
        /// The evaluator's digit classes covered (of 10).
        public var modes: Int
    }

    /// Which real images a measurement compares with.
    public enum Reference: String, Sendable {
        /// The test split's first images.
        case test
        /// The training split's first images (what the generator was fitted to).
        case training
    }

    /// The evaluator features of the first `count` real images of `reference`.
    func realFeatures(_ reference: Reference, count: Int) -> Tensor {
        let key = "\(reference.rawValue)-\(count)"
        if let cached = realFeatureCache[key] { return cached }
        let collection = reference == .test ? testImages : trainingImages
        let features = evaluator.extract(from: collection, indices: Array(0..<min(count, collection.count))).features
        realFeatureCache[key] = features
        return features
    }

    /// The generator the weights file at `path` holds, loaded (it generates in evaluation mode).
    public static func generator(_ path: String) throws -> any SampleableGenerator {
        try ModelRegistry.loadedGenerator(forWeights: path, model: nil).1
    }

    /// Generates `count` images from the weights file at `path` (fixed latents) and measures FID,
    /// precision, recall and the evaluator's classes covered.
    public func measure(_ path: String, count: Int, against reference: Reference = .test) throws -> Figures {
        try measure(Self.generator(path), count: count, against: reference)
    }

    /// Generates `count` images from `generator` (fixed latents) and measures them.
    public func measure(_ generator: any SampleableGenerator, count: Int, against reference: Reference = .test) throws -> Figures {
        var rng = RandomGenerator(seed: 0x5EED_E7A1)
        let images = try generator.generateAll(rng.normal([count, generator.latentDimension]), labels: nil)
        let f = try MetricReport.qualityAndCoverage(of: images.reshaped([count, 1, 28, 28]), evaluator: evaluator,
                                                    realFeatures: realFeatures(reference, count: count))
        return Figures(fid: f.fid, precision: f.precision, recall: f.recall, modes: f.modes)
    }

    /// Each run's figures (nil for a run that diverged), in the runs' order.
    func measure(_ runs: [Run], count: Int) throws -> [Figures?] {
        try runs.map { $0.diverged ? nil : try measure($0.generatorWeights, count: count) }
    }

    /// Precision and recall of real training images against other real training images: the
    /// best a generator can score (the first `count` against the next `count`).
    func realVersusReal(count: Int) throws -> (precision: Double, recall: Double) {
        let others = evaluator.extract(from: trainingImages, indices: Array(count..<min(2 * count, trainingImages.count))).features
        let report = try MetricReport.compare(real: realFeatures(.training, count: count), fake: others, metrics: [.pr])
        return (report.precision!, report.recall!)
    }

    /// A grid of `count` samples of the weights at `path`, 8 a row, scaled up 3 times (nearest
    /// neighbour).
    func sampleGrid(_ path: String, count: Int = 32) throws -> Data {
        let generator = try Self.generator(path)
        var rng = RandomGenerator(seed: 7)
        let images = try generator.generateAll(rng.normal([count, generator.latentDimension]), labels: nil)
        return ImageGrid.png(withNoGrad { images.reshaped([count, 1, 28, 28]).upsample(scale: (3, 3)) }, columns: 8, padding: 6)
    }

    /// The sample grid of the first of `runs` that did not diverge, captioned with its seed.
    func sampleGrid(of runs: [Run], _ caption: String) throws -> [ExperimentResult.Image] {
        guard let run = runs.first(where: { !$0.diverged }) else { return [] }
        return [.init(caption: "\(caption) (seed \(run.config.seed))", png: try sampleGrid(run.generatorWeights))]
    }
}
