import Foundation
import SwiftGAN
import SwiftGANKernels
import Testing

/// The kernels split over the compute pool give the same values as one thread, bitwise: exact
/// resume and every comparison between runs rely on it.
@Suite struct ParallelKernelTests {
    /// Runs `body` with the calling thread's pool set to each thread count in turn, and checks
    /// that every count gives the first count's result bitwise.
    private func sameForEveryThreadCount(_ label: String, _ body: () -> [Float]) {
        let original = Backend.computeThreads
        defer { Backend.setComputeThreads(original) }
        var first: [Float]?
        for threads in [1, 2, 3, 4] {
            Backend.setComputeThreads(threads)
            #expect(Backend.computeThreads == threads)
            let result = body()
            if let first {
                #expect(result.elementsEqual(first) { $0.bitPattern == $1.bitPattern }, "\(label) on \(threads) threads")
            } else {
                first = result
            }
        }
    }

    @Test func longSumsAreBitwiseTheSameOnAnyThreadCount() {
        var rng = RandomGenerator(seed: 1)
        let x = rng.normal([3, 400_001])
        sameForEveryThreadCount("row sums") { x.sum(axis: 1).scalars }
        sameForEveryThreadCount("full sum") { [x.sum().item] }
        sameForEveryThreadCount("column sums") { x.sum(axis: 0).scalars }
        // And they are sums: against double precision.
        let values = x.scalars
        let row0 = values[0..<400_001].reduce(0.0) { $0 + Double($1) }
        #expect(abs(Double(x.sum(axis: 1).scalars[0]) - row0) < 1e-2)
        let column = (0..<3).reduce(0.0) { $0 + Double(values[$1 * 400_001 + 12_345]) }
        #expect(abs(Double(x.sum(axis: 0).scalars[12_345]) - column) < 1e-5)
    }

    @Test func sumOfSquaresAndNonFiniteCountsAreChunkedTheSameWay() {
        var rng = RandomGenerator(seed: 2)
        var values = rng.normal([300_000]).scalars
        values[7] = .nan
        values[250_000] = .infinity
        sameForEveryThreadCount("sum of squares") {
            let s = values.withUnsafeBufferPointer { sg_sum_squares($0.baseAddress!, Int64($0.count)) }
            return [Float(bitPattern: UInt32(truncatingIfNeeded: s.bitPattern)), Float(bitPattern: UInt32(truncatingIfNeeded: s.bitPattern >> 32))]
        }
        sameForEveryThreadCount("non-finite count") {
            [Float(values.withUnsafeBufferPointer { sg_count_nonfinite($0.baseAddress!, Int64($0.count)) })]
        }
        #expect(values.withUnsafeBufferPointer { sg_count_nonfinite($0.baseAddress!, Int64($0.count)) } == 2)
    }

    @Test func broadcastArithmeticAndStridedCopiesMatchAPlainLoop() {
        var rng = RandomGenerator(seed: 3)
        let a = rng.normal([64, 300, 17]), b = rng.normal([300, 1])
        let av = a.scalars, bv = b.scalars
        sameForEveryThreadCount("broadcast add") { (a + b).scalars }
        let sum = (a + b).scalars
        var mismatches = 0
        for i in 0..<64 { for j in 0..<300 { for k in 0..<17 {
            let index = (i * 300 + j) * 17 + k
            if sum[index] != av[index] + bv[j] { mismatches += 1 }
        } } }
        #expect(mismatches == 0)
        sameForEveryThreadCount("permuted copy") { a.permuted([2, 0, 1]).scalars }
        let permuted = a.permuted([2, 0, 1]).scalars
        #expect(permuted[(5 * 64 + 10) * 300 + 200] == av[(10 * 300 + 200) * 17 + 5])
        sameForEveryThreadCount("scalar multiply") { (a * 0.5).scalars }
        sameForEveryThreadCount("same-shape subtract") { (a - a.tanh()).scalars }
    }

    @Test func unaryKernelsAndRandomDrawsAreTheSameOnAnyThreadCount() {
        var rng = RandomGenerator(seed: 4)
        let x = rng.normal([1_000_003])
        sameForEveryThreadCount("tanh") { x.tanh().scalars }
        sameForEveryThreadCount("leaky ReLU") { x.leakyReLU(negativeSlope: 0.2).scalars }
        sameForEveryThreadCount("normal draw") { var r = RandomGenerator(seed: 9); return r.normal([500_001]).scalars }
        sameForEveryThreadCount("uniform draw") { var r = RandomGenerator(seed: 9); return r.uniform([500_001]).scalars }
        sameForEveryThreadCount("fill") { Tensor.full([300_001], 0.25).scalars }
    }

    @Test func optimizerUpdatesAreTheSameOnAnyThreadCount() {
        var rng = RandomGenerator(seed: 5)
        let start = rng.normal([400_000]).scalars, g = rng.normal([400_000]).scalars
        func run(_ update: (UnsafeMutablePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) -> Void) -> [Float] {
            var p = start, a = [Float](repeating: 0, count: start.count), b = a, c = a
            for _ in 0..<3 {
                p.withUnsafeMutableBufferPointer { p in g.withUnsafeBufferPointer { g in a.withUnsafeMutableBufferPointer { a in
                    b.withUnsafeMutableBufferPointer { b in c.withUnsafeMutableBufferPointer { c in
                        update(p.baseAddress!, g.baseAddress!, a.baseAddress!, b.baseAddress!, c.baseAddress!)
                    } } } } }
            }
            return p
        }
        let n = Int64(start.count)
        sameForEveryThreadCount("adam") { run { p, g, m, v, _ in sg_adam(p, g, m, v, n, 1e-3, 0.5, 0.999, 1e-8, 0, 2) } }
        sameForEveryThreadCount("sgd") { run { p, g, buf, _, _ in sg_sgd(p, g, buf, n, 0.01, 0.9, 0, 1e-4, 1, 0) } }
        sameForEveryThreadCount("rmsprop") { run { p, g, sq, buf, avg in sg_rmsprop(p, g, sq, buf, avg, n, 0.01, 0.99, 1e-8, 0, 0.9, 1) } }
    }
}
