import SwiftGANEngine

/// Precision and recall (Kynkäänniemi et al.) and density and coverage (Naeem et al.) from
/// k-nearest-neighbour balls, as the `prdc` package computes them: each sample's ball reaches
/// its k-th nearest neighbour in its own set (itself excluded), and comparisons are strict.
public enum PrecisionRecall {
    public struct Result: Codable, Sendable {
        public let precision: Double
        public let recall: Double
        public let density: Double
        public let coverage: Double
        public let nearestK: Int
    }

    public static func compute(real: Tensor, fake: Tensor, nearestK k: Int = 3) throws -> Result {
        let (n, m) = (real.shape[0], fake.shape[0])
        guard real.shape[1] == fake.shape[1] else { throw MetricError("feature dimensions differ: \(real.shape[1]) and \(fake.shape[1])") }
        guard k >= 1, k < n, k < m else { throw MetricError("k = \(k) needs more than k samples in each set (\(n) real, \(m) fake)") }
        let realRadii = Distances(real, real).kthNeighbourDistances(k)
        let fakeRadii = Distances(fake, fake).kthNeighbourDistances(k)
        let cross = Distances(real, fake)
        var fakeInAnyReal = [Bool](repeating: false, count: m)
        var realBallsPerFake = [Int](repeating: 0, count: m)
        var realInAnyFake = [Bool](repeating: false, count: n)
        var covered = 0
        for i in 0..<n {
            var nearestFake = Double.infinity
            for j in 0..<m {
                let d = cross.distance(i, j)
                if cross.less(i, j, d, realRadii[i]) { fakeInAnyReal[j] = true; realBallsPerFake[j] += 1 }
                if !realInAnyFake[i] && cross.less(i, j, d, fakeRadii[j]) { realInAnyFake[i] = true }
                nearestFake = min(nearestFake, d)
            }
            if nearestFake < realRadii[i] { covered += 1 }
        }
        return Result(precision: Double(fakeInAnyReal.filter { $0 }.count) / Double(m),
                      recall: Double(realInAnyFake.filter { $0 }.count) / Double(n),
                      density: Double(realBallsPerFake.reduce(0, +)) / Double(k * m),
                      coverage: Double(covered) / Double(n), nearestK: k)
    }

    /// Euclidean distances between the rows of two sets: from one float32 GEMM, with any
    /// comparison closer than float32 can tell redone exactly in double precision.
    struct Distances {
        let a: Tensor, b: Tensor
        let squared: UnsafeMutableBufferPointer<Float>
        let gram: Tensor
        let d: Int

        init(_ a: Tensor, _ b: Tensor) {
            self.a = a
            self.b = b
            d = a.shape[1]
            gram = withNoGrad {
                let na = a.pow(2).sum(axis: 1).reshaped([-1, 1]), nb = b.pow(2).sum(axis: 1).reshaped([1, -1])
                return (na + nb - a.matmul(b, transposeOther: true) * 2).clamp(min: 0)
            }
            squared = gram.storage.buffer
        }

        func distance(_ i: Int, _ j: Int) -> Double { Double(squared[i * b.shape[0] + j]).squareRoot() }

        func exact(_ i: Int, _ j: Int) -> Double {
            var s = 0.0
            let x = a.storage.pointer + i * d, y = b.storage.pointer + j * d
            for t in 0..<d { let e = Double(x[t]) - Double(y[t]); s += e * e }
            return s.squareRoot()
        }

        /// distance(i, j) < radius, checked exactly when the two are close.
        func less(_ i: Int, _ j: Int, _ approximate: Double, _ radius: Double) -> Bool {
            if abs(approximate - radius) > 1e-3 * max(radius, 1e-12) { return approximate < radius }
            return exact(i, j) < radius
        }

        /// For each row of `a` (with `b` the same set), the exact distance to its k-th nearest
        /// other row.
        func kthNeighbourDistances(_ k: Int) -> [Double] {
            let n = b.shape[0]
            return (0..<a.shape[0]).map { i in
                // The k smallest distances to other rows, kept sorted (k is small).
                var smallest: [Double] = []
                for j in 0..<n where j != i {
                    let dist = distance(i, j)
                    if smallest.count < k || dist < smallest[k - 1] {
                        let at = smallest.firstIndex { $0 > dist } ?? smallest.count
                        smallest.insert(dist, at: at)
                        if smallest.count > k { smallest.removeLast() }
                    }
                }
                let approximate = smallest[k - 1]
                // Rows float32 cannot separate from the k-th are re-ranked exactly.
                let tolerance = 1e-3 * max(approximate, 1e-12) + 1e-12
                var closer = 0
                var near: [Double] = []
                for j in 0..<n where j != i {
                    let dist = distance(i, j)
                    if abs(dist - approximate) <= tolerance { near.append(exact(i, j)) } else if dist < approximate { closer += 1 }
                }
                near.sort()
                return near[k - 1 - closer]
            }
        }
    }
}
