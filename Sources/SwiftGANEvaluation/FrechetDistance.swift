import CLAPACKE
import SwiftGANEngine

/// Why a metric could not be computed.
public struct MetricError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// The Fréchet distance between Gaussians fitted to two feature sets (FID, Heusel et al.):
/// ‖μ₁ - μ₂‖² + tr Σ₁ + tr Σ₂ - 2 tr (Σ₁Σ₂)^{1/2}.
///
/// The trace of the matrix square root comes from symmetric eigen-decompositions (LAPACK
/// `dsyevd`): with Σ₁ = VΛVᵀ and A = VΛ^{1/2}, Σ₁Σ₂ is similar to the positive semi-definite
/// AᵀΣ₂A, whose eigenvalues' square roots sum to the trace. This stays exact for singular
/// covariances (fewer samples than dimensions), where a general matrix square root is not.
public enum FrechetDistance {
    public static func compute(_ a: FeatureStatistics, _ b: FeatureStatistics) throws -> Double {
        guard a.dimension == b.dimension else { throw MetricError("feature dimensions differ: \(a.dimension) and \(b.dimension)") }
        let d = a.dimension
        var meanTerm = 0.0
        for j in 0..<d { meanTerm += (a.mean[j] - b.mean[j]) * (a.mean[j] - b.mean[j]) }
        var traceA = 0.0, traceB = 0.0
        for j in 0..<d { traceA += a.covariance[j * d + j]; traceB += b.covariance[j * d + j] }

        // Σ₁ = V Λ Vᵀ
        var vectors = a.covariance
        var values = [Double](repeating: 0, count: d)
        let info = LAPACKE_dsyevd(LAPACK_ROW_MAJOR, Int8(UInt8(ascii: "V")), Int8(UInt8(ascii: "U")), Int32(d), &vectors, Int32(d), &values)
        guard info == 0 else { throw MetricError("eigen-decomposition failed (LAPACK info \(info))") }
        // A = V Λ^{1/2} (columns scaled), then M = Aᵀ Σ₂ A, in float32 GEMMs.
        var scaled = [Float](repeating: 0, count: d * d)
        for i in 0..<d { for j in 0..<d { scaled[i * d + j] = Float(vectors[i * d + j] * max(values[j], 0).squareRoot()) } }
        let aMatrix = Tensor(scaled, shape: [d, d])
        let sigmaB = Tensor(b.covariance.map(Float.init), shape: [d, d])
        let m = withNoGrad { aMatrix.matmul(sigmaB.matmul(aMatrix), transposeSelf: true) }
        var symmetric = [Double](repeating: 0, count: d * d)
        m.withUnsafeBufferPointer { mp in
            for i in 0..<d { for j in 0..<d { symmetric[i * d + j] = 0.5 * (Double(mp[i * d + j]) + Double(mp[j * d + i])) } }
        }
        var eigen = [Double](repeating: 0, count: d)
        let info2 = LAPACKE_dsyevd(LAPACK_ROW_MAJOR, Int8(UInt8(ascii: "N")), Int8(UInt8(ascii: "U")), Int32(d), &symmetric, Int32(d), &eigen)
        guard info2 == 0 else { throw MetricError("eigen-decomposition failed (LAPACK info \(info2))") }
        let traceSqrt = eigen.reduce(0) { $0 + max($1, 0).squareRoot() }
        // A distance: rounding can leave identical sets a hair below 0.
        return max(0, meanTerm + traceA + traceB - 2 * traceSqrt)
    }

    /// FID between two feature matrices [n, d].
    public static func compute(real: Tensor, fake: Tensor) throws -> Double {
        for (name, features) in [("real", real), ("generated", fake)] where features.rank != 2 || features.shape[0] < 2 {
            throw MetricError("FID needs [n ≥ 2, d] features; the \(name) ones have shape \(features.shape)")
        }
        guard real.shape[1] == fake.shape[1] else { throw MetricError("feature dimensions differ: \(real.shape[1]) and \(fake.shape[1])") }
        return try compute(FeatureStatistics(real), FeatureStatistics(fake))
    }
}
