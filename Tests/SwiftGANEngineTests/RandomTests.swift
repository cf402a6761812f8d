import Foundation
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

    /// BigGAN's truncation trick: nothing beyond the threshold, seeded, the entries within it
    /// left as `normal` drew them, and the truncated normal's variance,
    /// 1 - 2Tφ(T) / (2Φ(T) - 1), for both ways of redrawing (normal proposals from T = 1,
    /// uniform ones below).
    @Test func truncatedNormalStaysWithinTheThresholdAndKeepsNormalsWithinIt() {
        for threshold: Float in [0.3, 0.8, 1.5, 2.5] {
            var a = RandomGenerator(seed: 11), b = RandomGenerator(seed: 11), plain = RandomGenerator(seed: 11)
            let z = a.truncatedNormal([400, 100], threshold: threshold).scalars
            #expect(z.allSatisfy { abs($0) <= threshold }, "an entry beyond \(threshold)")
            #expect(z == b.truncatedNormal([400, 100], threshold: threshold).scalars, "the same seed, the same latents")
            let normal = plain.normal([400, 100]).scalars
            let kept = zip(z, normal).filter { abs($0.1) <= threshold }
            #expect(!kept.isEmpty && kept.allSatisfy { $0.0 == $0.1 }, "entries within \(threshold) are normal's")
            #expect(zip(z, normal).contains { $0.0 != $0.1 }, "entries beyond \(threshold) were redrawn")
            let t = Double(threshold)
            let density = exp(-t * t / 2) / (2 * Double.pi).squareRoot(), mass = erf(t / 2.0.squareRoot())
            let expected = 1 - 2 * t * density / mass
            let variance = z.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(z.count)
            #expect(abs(variance - expected) < 0.02 * expected + 0.002, "T \(threshold): variance \(variance), expected \(expected)")
        }
    }
}
