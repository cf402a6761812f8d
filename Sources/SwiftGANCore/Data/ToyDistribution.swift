import Foundation
import SwiftGANEngine

/// The 2-D mixtures of Gaussians that mode-collapse papers test on (VEEGAN, PacGAN, unrolled
/// GAN): 8 Gaussians on a ring of radius 2 (σ = 0.02) and 25 on a 5×5 grid with spacing 2
/// (σ = 0.05), modes equally likely.
public enum ToyDistribution: String, CaseIterable, Codable, Sendable {
    case ring8
    case grid25

    public var modes: [(Float, Float)] {
        switch self {
        case .ring8:
            return (0..<8).map { k in
                let angle = Float(k) * 2 * .pi / 8
                return (2 * cosf(angle), 2 * sinf(angle))
            }
        case .grid25:
            return (-2...2).flatMap { i in (-2...2).map { j in (Float(2 * i), Float(2 * j)) } }
        }
    }

    public var standardDeviation: Float { self == .ring8 ? 0.02 : 0.05 }

    /// `n` samples [n, 2].
    public func sample(_ n: Int, generator: inout RandomGenerator) -> Tensor {
        let modes = self.modes
        let noise = generator.normal([n, 2], std: standardDeviation).scalars
        var values = [Float](repeating: 0, count: 2 * n)
        for i in 0..<n {
            let m = modes[generator.integer(below: modes.count)]
            values[2 * i] = m.0 + noise[2 * i]
            values[2 * i + 1] = m.1 + noise[2 * i + 1]
        }
        return Tensor(values, shape: [n, 2])
    }

    /// The standard metrics: a sample is high quality within 3σ of its nearest mode; a mode is
    /// covered when at least `minimumPerMode` high-quality samples fall to it (by default 20 per
    /// 2,500 samples, 0.8%).
    public struct Evaluation: Codable, Sendable {
        public let modesCovered: Int
        public let modeCount: Int
        public let highQualityFraction: Double
        public let samplesPerMode: [Int]
    }

    public func evaluate(_ samples: Tensor, minimumPerMode: Int? = nil) -> Evaluation {
        precondition(samples.rank == 2 && samples.shape[1] == 2, "toy samples must be [n, 2], got \(samples.shape)")
        let n = samples.shape[0]
        let values = samples.scalars
        let modes = self.modes
        var counts = [Int](repeating: 0, count: modes.count)
        var good = 0
        let limit = 3 * standardDeviation
        for i in 0..<n {
            let (x, y) = (values[2 * i], values[2 * i + 1])
            var best = 0
            var bestDistance = Float.infinity
            for (k, m) in modes.enumerated() {
                let d = ((x - m.0) * (x - m.0) + (y - m.1) * (y - m.1)).squareRoot()
                if d < bestDistance { bestDistance = d; best = k }
            }
            if bestDistance <= limit { good += 1; counts[best] += 1 }
        }
        let threshold = minimumPerMode ?? max(1, n * 20 / 2500)
        return Evaluation(modesCovered: counts.filter { $0 >= threshold }.count, modeCount: modes.count,
                          highQualityFraction: Double(good) / Double(max(n, 1)), samplesPerMode: counts)
    }
}
