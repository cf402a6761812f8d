import SwiftGAN
import Testing

/// Synchronized batch norm, with the cross-process sum of two simulated processes that hold the
/// same rows, computes what plain batch norm computes on one process: the same outputs, input
/// and parameter gradients, and running statistics.
@Suite struct SynchronizedBatchNormTests {
    @Test func matchesPlainBatchNormWhenEveryProcessHoldsTheSameRows() {
        var rng = RandomGenerator(seed: 11)
        let x = rng.normal([6, 3, 4, 5], mean: 0.5, std: 2)
        let g = rng.normal([6, 3, 4, 5])
        func run(_ sync: CrossProcessSum?) -> (y: [Float], dx: [Float], dWeight: [Float], runningVar: [Float]) {
            let bn = BatchNorm(3)
            let input = x.detached()
            input.requiresGrad = true
            let y = bn(input, synchronizedBy: sync)
            let grads = grad(of: y, wrt: [input, bn.weight!], gradOutput: g)
            return (y.scalars, grads[0].scalars, grads[1].scalars, bn.runningVar.scalars)
        }
        let plain = run(nil)
        // Two "processes" with identical rows: the global batch is x twice, whose statistics are
        // x's own except the unbiased variance's count; the gradient of the sum is the sum of
        // both processes' (identical) gradients.
        let twice = run(CrossProcessSum(processes: 2) { $0 * 2 })
        let one = run(CrossProcessSum(processes: 1) { $0 })
        func close(_ a: [Float], _ b: [Float], _ tolerance: Float = 1e-4) -> Bool {
            a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tolerance * max(1, abs($0)) }
        }
        #expect(close(plain.y, one.y) && close(plain.dx, one.dx) && close(plain.dWeight, one.dWeight))
        #expect(close(plain.runningVar, one.runningVar))
        #expect(close(plain.y, twice.y))
        // d/dx of the stats path doubles with two processes' gradients summed; the output path
        // does not, so twice.dx is not plain.dx: check the parameter gradient instead.
        #expect(close(plain.dWeight, twice.dWeight))
        // Running variance: count 240 instead of 120 in the unbiased correction.
        let n: Float = 6 * 4 * 5
        let expected = zip(plain.runningVar, one.runningVar).map { p, _ in 0.9 + (p - 0.9) / (n / (n - 1)) * (2 * n / (2 * n - 1)) }
        #expect(close(twice.runningVar, expected))
    }
}
