import SwiftGANEngine

/// The kernel inception distance (Bińkowski et al.): the unbiased estimate of MMD² with the
/// cubic polynomial kernel k(x, y) = (xᵀy / d + 1)³, averaged over random subsets, as
/// torch-fidelity's `kid_features_to_metric` computes it. One subset as large as both sets is
/// the deterministic MMD² over every sample.
public enum KernelInceptionDistance {
    public struct Result: Codable, Sendable {
        public let mean: Double
        public let standardDeviation: Double
        public let subsets: Int
        public let subsetSize: Int
    }

    public static func compute(real: Tensor, fake: Tensor, subsets: Int = 100, subsetSize: Int = 1000,
                               seed: UInt64 = 0) throws -> Result {
        guard real.rank == 2, fake.rank == 2 else { throw MetricError("KID needs [n, d] features, got \(real.shape) and \(fake.shape)") }
        let (n1, n2, d) = (real.shape[0], fake.shape[0], real.shape[1])
        guard fake.shape[1] == d else { throw MetricError("feature dimensions differ: \(d) and \(fake.shape[1])") }
        guard subsetSize >= 2, subsetSize <= n1, subsetSize <= n2 else {
            throw MetricError("KID subset size \(subsetSize) must be at least 2 and at most the sample counts (\(n1), \(n2))")
        }
        guard subsets >= 1 else { throw MetricError("KID needs at least 1 subset, got \(subsets)") }
        var rng = RandomGenerator(seed: seed)
        var values: [Double] = []
        for _ in 0..<subsets {
            let x = subsetSize == n1 ? real : real.rows(Array(rng.permutation(n1).prefix(subsetSize)))
            let y = subsetSize == n2 ? fake : fake.rows(Array(rng.permutation(n2).prefix(subsetSize)))
            values.append(mmd2(x, y))
        }
        let mean = values.reduce(0, +) / Double(values.count)
        // torch-fidelity reports numpy's std (population, ddof 0).
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
        return Result(mean: mean, standardDeviation: variance.squareRoot(), subsets: subsets, subsetSize: subsetSize)
    }

    /// Unbiased MMD² of two equally sized sets with the cubic kernel.
    static func mmd2(_ x: Tensor, _ y: Tensor) -> Double {
        let m = x.shape[0], d = Double(x.shape[1])
        func kernelSums(_ a: Tensor, _ b: Tensor, dropDiagonal: Bool) -> Double {
            return withNoGrad { a.matmul(b, transposeOther: true) }.withUnsafeBufferPointer { gram in
                var sum = 0.0
                for i in 0..<a.shape[0] {
                    for j in 0..<b.shape[0] where !(dropDiagonal && i == j) {
                        let k = Double(gram[i * b.shape[0] + j]) / d + 1
                        sum += k * k * k
                    }
                }
                return sum
            }
        }
        let kxx = kernelSums(x, x, dropDiagonal: true), kyy = kernelSums(y, y, dropDiagonal: true)
        let kxy = kernelSums(x, y, dropDiagonal: false)
        let mm = Double(m)
        return (kxx + kyy) / (mm * (mm - 1)) - 2 * kxy / (mm * mm)
    }
}
