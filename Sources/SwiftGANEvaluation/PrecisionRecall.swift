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
        /// For each real sample, whether it lies in some generated sample's ball: the samples
        /// `recall` counts (not in the JSON).
        public var recalled: [Bool] = []

        enum CodingKeys: String, CodingKey { case precision, recall, density, coverage, nearestK }

        /// The recall of each class: the share of the real samples labeled k (`labels`, one per
        /// real sample, in 0..<`classCount`) that lie in the generated manifold. Throws
        /// `MetricError` when the labels do not fit or a class has no real sample.
        public func recallPerClass(labels: [Int], classCount: Int) throws -> [Double] {
            guard labels.count == recalled.count else {
                throw MetricError("\(labels.count) labels for \(recalled.count) real samples")
            }
            let groups = try ConditionalMetrics.classRows(labels, classCount: classCount, "real", purpose: "recalls per class")
            return groups.map { rows in Double(rows.filter { recalled[$0] }.count) / Double(rows.count) }
        }
    }

    /// The most memory one block of the distance matrix takes: rows of distances are computed
    /// a block at a time (30,000 × 30,000 features would otherwise need a 3.6 GB matrix).
    public static let defaultBlockBytes = 64 << 20

    /// `blockBytes` bounds the distance rows computed at once; the results do not depend on it.
    public static func compute(real: Tensor, fake: Tensor, nearestK k: Int = 3, blockBytes: Int = defaultBlockBytes) throws -> Result {
        guard real.rank == 2, fake.rank == 2 else { throw MetricError("precision and recall need [n, d] features, got \(real.shape) and \(fake.shape)") }
        let (n, m) = (real.shape[0], fake.shape[0])
        guard real.shape[1] == fake.shape[1] else { throw MetricError("feature dimensions differ: \(real.shape[1]) and \(fake.shape[1])") }
        guard k >= 1, k < n, k < m else { throw MetricError("k = \(k) needs more than k samples in each set (\(n) real, \(m) fake)") }
        for (name, features) in [("real", real), ("generated", fake)] where features.withUnsafeBufferPointer({ !$0.allSatisfy(\.isFinite) }) {
            throw MetricError("\(name) features have non-finite values")
        }
        let realRadii = kthNeighbourDistances(real, k, blockBytes: blockBytes)
        let fakeRadii = kthNeighbourDistances(fake, k, blockBytes: blockBytes)
        var fakeInAnyReal = [Bool](repeating: false, count: m)
        var realBallsPerFake = [Int](repeating: 0, count: m)
        var realInAnyFake = [Bool](repeating: false, count: n)
        var covered = 0
        for block in rowBlocks(n, columns: m, blockBytes: blockBytes) {
            let cross = Distances(real, rows: block, fake)
            for i in block {
                var nearestFake = Double.infinity
                for j in 0..<m {
                    let d = cross.distance(i, j)
                    if cross.less(i, j, d, realRadii[i]) { fakeInAnyReal[j] = true; realBallsPerFake[j] += 1 }
                    if !realInAnyFake[i] && cross.less(i, j, d, fakeRadii[j]) { realInAnyFake[i] = true }
                    nearestFake = min(nearestFake, d)
                }
                if nearestFake < realRadii[i] { covered += 1 }
            }
        }
        return Result(precision: Double(fakeInAnyReal.filter { $0 }.count) / Double(m),
                      recall: Double(realInAnyFake.filter { $0 }.count) / Double(n),
                      density: Double(realBallsPerFake.reduce(0, +)) / Double(k * m),
                      coverage: Double(covered) / Double(n), nearestK: k, recalled: realInAnyFake)
    }

    /// Consecutive ranges of `rows` whose distances to `columns` points fit in `blockBytes`.
    static func rowBlocks(_ rows: Int, columns: Int, blockBytes: Int) -> [Range<Int>] {
        let perBlock = max(1, blockBytes / (MemoryLayout<Float>.stride * max(columns, 1)))
        return stride(from: 0, to: rows, by: perBlock).map { $0..<min($0 + perBlock, rows) }
    }

    /// For each row of `x`, the exact distance to its k-th nearest other row, a block of rows
    /// at a time.
    static func kthNeighbourDistances(_ x: Tensor, _ k: Int, blockBytes: Int) -> [Double] {
        let n = x.shape[0]
        var radii: [Double] = []
        radii.reserveCapacity(n)
        for block in rowBlocks(n, columns: n, blockBytes: blockBytes) {
            let distances = Distances(x, rows: block, x)
            for i in block {
                // The k smallest distances to other rows, kept sorted (k is small).
                var smallest: [Double] = []
                for j in 0..<n where j != i {
                    let dist = distances.distance(i, j)
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
                    let dist = distances.distance(i, j)
                    if abs(dist - approximate) <= tolerance { near.append(distances.exact(i, j)) } else if dist < approximate { closer += 1 }
                }
                near.sort()
                radii.append(near[k - 1 - closer])
            }
        }
        return radii
    }

    /// Euclidean distances from a block of rows of `a` to every row of `b`: from one float32
    /// GEMM, with any comparison closer than float32 can tell redone exactly in double precision.
    /// Rows are indexed as in all of `a`.
    struct Distances {
        let a: Tensor, b: Tensor
        let rows: Range<Int>
        let gram: Tensor
        let d: Int

        init(_ a: Tensor, rows: Range<Int>, _ b: Tensor) {
            self.a = a
            self.b = b
            self.rows = rows
            d = a.shape[1]
            gram = withNoGrad {
                let block = rows == 0..<a.shape[0] ? a : a.slice(axis: 0, rows)
                let na = block.pow(2).sum(axis: 1).reshaped([-1, 1]), nb = b.pow(2).sum(axis: 1).reshaped([1, -1])
                return (na + nb - block.matmul(b, transposeOther: true) * 2).clamp(min: 0)
            }
        }

        func distance(_ i: Int, _ j: Int) -> Double { Double(gram.storage.pointer[(i - rows.lowerBound) * b.shape[0] + j]).squareRoot() }

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
    }
}
