import Foundation
import SwiftGANEngine

/// What a class-conditional generator is judged by besides the unconditional metrics, from
/// samples asked for known classes:
///
/// - **conditional accuracy**: the share of the samples asked for class k that the evaluator
///   classifies as k (overall and per class); about 1/K for a generator that ignores its labels.
/// - **intra-class FID** (Miyato & Koyama 2018): the mean over classes of the FID between the
///   samples asked for class k and the real images of class k; it sees a generator that draws
///   the right classes but not their variety, which the FID of all samples can miss.
///
/// ```swift
/// let accuracy = try ConditionalMetrics.accuracy(probabilities: p, requested: labels, classCount: 10)
/// let intra = try ConditionalMetrics.intraClassFID(real: realFeatures, realLabels: realLabels,
///                                                  fake: fakeFeatures, fakeLabels: labels, classCount: 10)
/// print(accuracy.overall, intra.mean)
/// ```
public enum ConditionalMetrics {
    /// A mean over all samples or classes, and its value for each class in class order.
    public struct PerClass: Codable, Sendable {
        public let overall: Double
        public let perClass: [Double]
    }

    /// The share of samples asked for class k (`requested[i]`) whose evaluator probabilities
    /// (`probabilities` [n, classCount]) are highest for k: over all samples, and per class.
    /// Every class needs at least one sample.
    public static func accuracy(probabilities: Tensor, requested: [Int], classCount: Int) throws -> PerClass {
        guard probabilities.rank == 2, probabilities.shape[0] == requested.count, probabilities.shape[1] == classCount else {
            throw MetricError("conditional accuracy needs [\(requested.count), \(classCount)] probabilities, got \(probabilities.shape)")
        }
        let groups = try classRows(requested, classCount: classCount, "generated")
        let predicted = probabilities.argmaxRows()
        let perClass = groups.enumerated().map { k, rows in Double(rows.filter { predicted[$0] == k }.count) / Double(rows.count) }
        let correct = zip(predicted, requested).filter { $0 == $1 }.count
        return PerClass(overall: Double(correct) / Double(requested.count), perClass: perClass)
    }

    /// Intra-class FID: for each class k, the FID between the rows of `fake` asked for k and the
    /// rows of `real` labeled k (features [n, d]); the mean over the classes and each class's.
    /// Every class needs at least two rows on each side.
    public static func intraClassFID(real: Tensor, realLabels: [Int], fake: Tensor, fakeLabels: [Int], classCount: Int) throws -> PerClass {
        guard real.rank == 2, fake.rank == 2, real.shape[0] == realLabels.count, fake.shape[0] == fakeLabels.count else {
            throw MetricError("intra-class FID needs one label per feature row, got \(realLabels.count) for \(real.shape) and \(fakeLabels.count) for \(fake.shape)")
        }
        let realGroups = try classRows(realLabels, classCount: classCount, "real", minimum: 2)
        let fakeGroups = try classRows(fakeLabels, classCount: classCount, "generated", minimum: 2)
        let perClass = try (0..<classCount).map { k in
            try FrechetDistance.compute(real: rows(real, realGroups[k]), fake: rows(fake, fakeGroups[k]))
        }
        return PerClass(overall: perClass.reduce(0, +) / Double(classCount), perClass: perClass)
    }

    /// The row indices of each class 0..<classCount, each with at least `minimum` rows; the
    /// errors name `what` the labels are and the metric (`purpose`) that needs them.
    static func classRows(_ labels: [Int], classCount: Int, _ what: String, minimum: Int = 1,
                          purpose: String = "the conditional metrics") throws -> [[Int]] {
        var groups = [[Int]](repeating: [], count: classCount)
        for (i, k) in labels.enumerated() {
            guard (0..<classCount).contains(k) else { throw MetricError("\(what) label \(k) at index \(i) is outside the classes 0...\(classCount - 1)") }
            groups[k].append(i)
        }
        if let k = groups.firstIndex(where: { $0.count < minimum }) {
            throw MetricError("class \(k) has \(groups[k].count) \(what) samples; \(purpose) need at least \(minimum) of each class")
        }
        return groups
    }

    /// The rows of `matrix` [n, d] at `indices`.
    static func rows(_ matrix: Tensor, _ indices: [Int]) -> Tensor {
        let d = matrix.shape[1]
        var values = [Float](repeating: 0, count: indices.count * d)
        matrix.withUnsafeBufferPointer { source in
            for (r, i) in indices.enumerated() {
                for j in 0..<d { values[r * d + j] = source[i * d + j] }
            }
        }
        return Tensor(values, shape: [indices.count, d])
    }
}

extension MetricReport {
    /// Adds the conditional accuracy of generated samples asked for `labels` (their evaluator
    /// `probabilities` and `features`) and, when the real images are labeled with at least two
    /// of every class, the intra-class FID against `realFeatures`; otherwise a warning says why
    /// it is missing.
    mutating func addConditionalMetrics(probabilities: Tensor, features: Tensor, labels: [Int], realFeatures: Tensor, realLabels: [Int]?,
                                        classCount: Int) throws {
        let accuracy = try ConditionalMetrics.accuracy(probabilities: probabilities, requested: labels, classCount: classCount)
        (conditionalAccuracy, conditionalAccuracyPerClass) = (accuracy.overall, accuracy.perClass)
        guard let realLabels else {
            warnings.append("no intra-class FID: the real images are unlabeled")
            return
        }
        do {
            let intra = try ConditionalMetrics.intraClassFID(real: realFeatures, realLabels: realLabels, fake: features, fakeLabels: labels,
                                                            classCount: classCount)
            (intraFID, intraFIDPerClass) = (intra.overall, intra.perClass)
        } catch let error as MetricError {
            warnings.append("no intra-class FID: \(error.description)")
        }
    }
}
