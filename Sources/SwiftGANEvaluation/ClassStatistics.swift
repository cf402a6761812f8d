import Foundation
import SwiftGANEngine

/// Scores from an evaluator's class probabilities [n, classes]: the Inception-style score, mode
/// counting and the KL divergence of the generated class histogram from uniform.
public enum ClassStatistics {
    public struct InceptionScore: Codable, Sendable {
        public let mean: Double
        public let standardDeviation: Double
        public let splits: Int
    }

    /// exp(E_x KL(p(y|x) ‖ p(y))), mean and standard deviation over `splits` consecutive splits
    /// (Salimans et al., as torch-fidelity and the original code compute it).
    public static func inceptionScore(probabilities p: Tensor, splits: Int = 10) -> InceptionScore {
        let (n, c) = (p.shape[0], p.shape[1])
        let v = p.storage.buffer
        var scores: [Double] = []
        for s in 0..<splits {
            let lo = s * n / splits, hi = (s + 1) * n / splits
            guard hi > lo else { continue }
            var marginal = [Double](repeating: 0, count: c)
            for i in lo..<hi { for k in 0..<c { marginal[k] += Double(v[i * c + k]) } }
            for k in 0..<c { marginal[k] /= Double(hi - lo) }
            var kl = 0.0
            for i in lo..<hi {
                for k in 0..<c {
                    let q = Double(v[i * c + k])
                    if q > 0 { kl += q * (log(q) - log(max(marginal[k], 1e-300))) }
                }
            }
            scores.append(exp(kl / Double(hi - lo)))
        }
        let mean = scores.reduce(0, +) / Double(scores.count)
        let std = (scores.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(scores.count)).squareRoot()
        return InceptionScore(mean: mean, standardDeviation: std, splits: scores.count)
    }

    public struct Modes: Codable, Sendable {
        /// Samples per predicted class.
        public let histogram: [Int]
        /// Classes predicted for at least `minimumShare` of an even share of the samples.
        public let modesCovered: Int
        /// KL(generated class histogram ‖ uniform), 0 when every class is equally frequent.
        public let klFromUniform: Double
    }

    /// Mode counting from predicted classes: a class counts as covered when it receives at least
    /// `minimumShare` of the n / classes samples it would get under a uniform histogram.
    public static func modes(probabilities p: Tensor, minimumShare: Double = 0.1) -> Modes {
        let c = p.shape[1]
        var histogram = [Int](repeating: 0, count: c)
        for label in p.argmaxRows() { histogram[label] += 1 }
        let n = Double(p.shape[0])
        var kl = 0.0
        for count in histogram where count > 0 {
            let q = Double(count) / n
            kl += q * log(q * Double(c))
        }
        let threshold = minimumShare * n / Double(c)
        return Modes(histogram: histogram, modesCovered: histogram.filter { Double($0) >= max(threshold, 1) }.count, klFromUniform: kl)
    }
}
