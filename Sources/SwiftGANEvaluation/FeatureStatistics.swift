import SwiftGANEngine

/// The mean and covariance of a feature matrix [n, d], accumulated in double precision: the
/// rows are centred by the double-precision mean and multiplied in chunks (float32 GEMM within
/// a chunk of 2,048 rows, double across chunks).
public struct FeatureStatistics {
    public let count: Int
    public let dimension: Int
    public let mean: [Double]
    /// The unbiased covariance (divided by n - 1), d×d row-major, like `numpy.cov(rowvar=False)`.
    public let covariance: [Double]

    public init(_ features: Tensor) {
        precondition(features.rank == 2 && features.shape[0] > 1, "feature statistics need [n > 1, d], got \(features.shape)")
        let (n, d) = (features.shape[0], features.shape[1])
        count = n
        dimension = d
        let x = features.storage.pointer
        var mean = [Double](repeating: 0, count: d)
        for i in 0..<n { for j in 0..<d { mean[j] += Double(x[i * d + j]) } }
        for j in 0..<d { mean[j] /= Double(n) }
        self.mean = mean
        var covariance = [Double](repeating: 0, count: d * d)
        let chunk = 2048
        var start = 0
        while start < n {
            let rows = min(chunk, n - start)
            var centred = [Float](repeating: 0, count: rows * d)
            for i in 0..<rows { for j in 0..<d { centred[i * d + j] = Float(Double(x[(start + i) * d + j]) - mean[j]) } }
            let block = Tensor(centred, shape: [rows, d])
            withNoGrad { block.matmul(block, transposeSelf: true) }.withUnsafeBufferPointer { p in
                for k in 0..<(d * d) { covariance[k] += Double(p[k]) }
            }
            start += rows
        }
        for k in 0..<(d * d) { covariance[k] /= Double(n - 1) }
        self.covariance = covariance
    }
}
