import SwiftGAN
import SwiftGANKernels
import Testing

@Suite struct RandomTests {
    /// The known-answer vector of Philox-4x32-10 (counter 0, key 0) from its authors.
    @Test func philoxKnownAnswer() {
        var words = [UInt32](repeating: 0, count: 4)
        sg_philox_bits(0, 0, &words, 4)
        #expect(words == [0x6627_e8d5, 0xe169_c58d, 0xbc57_ac4c, 0x9b00_dbd8])
    }

    @Test func sameSeedSameNumbersAndStateAdvances() {
        var a = RandomGenerator(seed: 42), b = RandomGenerator(seed: 42)
        let x = a.normal([5, 7]), y = b.normal([5, 7])
        #expect(x.scalars == y.scalars)
        #expect(a.normal([3]).scalars != x.scalars.prefix(3).map { $0 })
        var c = RandomGenerator(seed: 42, offset: a.offset)
        #expect(c.uniform([6]).scalars == a.uniform([6]).scalars, "restoring seed and offset resumes the stream")
    }

    @Test func normalAndUniformHaveTheRightMoments() {
        var rng = RandomGenerator(seed: 7)
        let n = rng.normal([200_000], mean: 1, std: 2).scalars.map(Double.init)
        let mean = n.reduce(0, +) / Double(n.count)
        let std = (n.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n.count)).squareRoot()
        #expect(abs(mean - 1) < 0.02 && abs(std - 2) < 0.02, "mean \(mean), std \(std)")
        let u = rng.uniform([100_000], low: -1, high: 3).scalars
        #expect(u.allSatisfy { $0 >= -1 && $0 < 3 })
        let uniformMean: Double = u.map(Double.init).reduce(0, +) / 100_000
        #expect(abs(uniformMean - 1) < 0.02)
    }

    @Test func permutationIsAPermutationAndSeeded() {
        var a = RandomGenerator(seed: 3), b = RandomGenerator(seed: 3)
        let p = a.permutation(1000)
        #expect(p.sorted() == Array(0..<1000))
        #expect(p == b.permutation(1000))
        #expect(p != Array(0..<1000))
    }
}
