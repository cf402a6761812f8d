import Foundation
import SwiftGANData
import SwiftGANEngine

/// The metrics a comparison of real and generated features can report, by name.
public enum MetricKind: String, CaseIterable, Sendable {
    case fid, kid
    /// Precision and recall.
    case pr
    /// Density and coverage.
    case dc
}

/// The figures of one evaluation, with the JSON keys `swiftgan metrics` and `swiftgan eval`
/// print (absent metrics are left out).
public struct MetricReport: Codable, Sendable {
    public var nReal: Int
    public var nFake: Int
    public var fid: Double?
    public var kidMean: Double?
    public var kidStd: Double?
    public var precision: Double?
    public var recall: Double?
    public var density: Double?
    public var coverage: Double?
    /// The recall of each class of the real images (when they are labeled): which classes the
    /// generated manifold misses (`PrecisionRecall.Result.recallPerClass`).
    public var recallPerClass: [Double]?
    public var inceptionScoreMean: Double?
    public var inceptionScoreStd: Double?
    public var modesCovered: Int?
    /// The evaluator's number of classes, which `modesCovered` counts out of.
    public var classCount: Int?
    public var klFromUniform: Double?
    public var twoSampleAccuracy: Double?
    /// Conditional generators: the share of samples asked for class k classified as k, overall
    /// and per class, and the intra-class FID, mean and per class (`ConditionalMetrics`).
    public var conditionalAccuracy: Double?
    public var conditionalAccuracyPerClass: [Double]?
    public var intraFID: Double?
    public var intraFIDPerClass: [Double]?
    /// Perceptual path length in Z, and in W for StyleGAN (`PerceptualPathLength`; `eval --ppl`).
    public var pathLengthZ: Double?
    public var pathLengthW: Double?
    public var warnings: [String] = []
    /// What the two sets are, for the text report (not in the JSON): "real" and "generated",
    /// or, comparing the real data with itself, which split each is.
    public var realDescription = "real"
    public var fakeDescription = "generated"

    enum CodingKeys: String, CodingKey {
        case nReal = "n_real", nFake = "n_fake", fid, kidMean = "kid_mean", kidStd = "kid_std", precision, recall
        case recallPerClass = "recall_per_class"
        case density, coverage, inceptionScoreMean = "is_mean", inceptionScoreStd = "is_std"
        case modesCovered = "modes_covered", classCount = "n_classes", klFromUniform = "kl_from_uniform", twoSampleAccuracy = "c2st_accuracy", warnings
        case conditionalAccuracy = "conditional_accuracy", conditionalAccuracyPerClass = "conditional_accuracy_per_class"
        case intraFID = "intra_fid", intraFIDPerClass = "intra_fid_per_class"
        case pathLengthZ = "ppl_z", pathLengthW = "ppl_w"
    }

    /// Compares two feature matrices [n, d]. With `realLabels` (one class in 0..<`classCount`
    /// per real row) the report adds the recall of each class, or a warning saying why not.
    public static func compare(real: Tensor, fake: Tensor, metrics: Set<MetricKind> = Set(MetricKind.allCases),
                               kidSubsets: Int = 100, kidSubsetSize: Int? = nil, nearestK: Int = 3,
                               realLabels: [Int]? = nil, classCount: Int = 0) throws -> MetricReport {
        guard real.rank == 2, fake.rank == 2, real.shape[1] == fake.shape[1] else {
            throw MetricError("feature matrices must be [n, d] with the same d, got \(real.shape) and \(fake.shape)")
        }
        try checkFeatures(real, "real")
        try checkFeatures(fake, "generated")
        var report = MetricReport(nReal: real.shape[0], nFake: fake.shape[0])
        if metrics.contains(.fid) {
            report.fid = try FrechetDistance.compute(real: real, fake: fake)
            if min(real.shape[0], fake.shape[0]) < 5000 {
                report.warnings.append("FID from fewer than 5,000 samples (\(min(real.shape[0], fake.shape[0]))) is biased upwards; compare only at equal n")
            }
        }
        if metrics.contains(.kid) {
            let size = kidSubsetSize ?? min(1000, real.shape[0], fake.shape[0])
            let kid = try KernelInceptionDistance.compute(real: real, fake: fake, subsets: kidSubsets, subsetSize: size)
            report.kidMean = kid.mean
            report.kidStd = kid.standardDeviation
        }
        if metrics.contains(.pr) || metrics.contains(.dc) {
            let prdc = try PrecisionRecall.compute(real: real, fake: fake, nearestK: nearestK)
            if metrics.contains(.pr) {
                report.precision = prdc.precision
                report.recall = prdc.recall
                if let realLabels {
                    do { report.recallPerClass = try prdc.recallPerClass(labels: realLabels, classCount: classCount) } catch let error as MetricError {
                        report.warnings.append("no recall per class: \(error.description)")
                    }
                }
            }
            if metrics.contains(.dc) { report.density = prdc.density; report.coverage = prdc.coverage }
        }
        return report
    }

    /// Features the metrics can use: at least two rows, every value finite (a NaN would make
    /// every distance and statistic meaningless).
    static func checkFeatures(_ features: Tensor, _ name: String) throws {
        guard features.shape[0] >= 2 else { throw MetricError("\(name) features have \(features.shape[0]) rows; the metrics need at least 2") }
        if let bad = features.withUnsafeBufferPointer({ $0.firstIndex { !$0.isFinite } }) {
            throw MetricError("\(name) features have a non-finite value at row \(bad / features.shape[1]), column \(bad % features.shape[1])")
        }
    }

    /// One JSON object on one line, keys sorted.
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try! encoder.encode(self), as: UTF8.self)
    }
}
