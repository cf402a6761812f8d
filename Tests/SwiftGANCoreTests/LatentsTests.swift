import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

/// Per-seed latents and the paths between two latents.
@Suite struct LatentsTests {
    @Test func aSeedsLatentIsTheOneSampleDrawsForIt() {
        let rows = Latents.forSeeds([3, 9, 3], dimension: 16, truncation: nil)
        var rng = RandomGenerator(seed: 9)
        #expect(rows.slice(axis: 0, 1..<2).scalars == Latents.draw([1, 16], truncation: nil, generator: &rng).scalars)
        #expect(rows.slice(axis: 0, 0..<1).scalars == rows.slice(axis: 0, 2..<3).scalars)
        let truncated = Latents.forSeeds([1, 2, 3], dimension: 200, truncation: 0.5)
        #expect(truncated.scalars.allSatisfy { abs($0) <= 0.5 })
    }

    @Test func pathsStartAndEndAtTheTwoLatents() {
        let a = Latents.forSeeds([1], dimension: 32, truncation: nil), b = Latents.forSeeds([2], dimension: 32, truncation: nil)
        for spherical in [false, true] {
            let path = Latents.interpolate(a, b, steps: 7, spherical: spherical)
            #expect(path.shape == [7, 32])
            #expect(path.slice(axis: 0, 0..<1).scalars == a.scalars)
            #expect(relativeError(path.slice(axis: 0, 6..<7), b) < 1e-6)
        }
        // Linear: the midpoint is the mean. Spherical between two vectors of one norm: every frame keeps it.
        let line = Latents.interpolate(a, b, steps: 3, spherical: false)
        #expect(relativeError(line.slice(axis: 0, 1..<2), (a + b) * 0.5) < 1e-6)
        func norm(_ t: Tensor) -> Float { t.scalars.reduce(0) { $0 + $1 * $1 }.squareRoot() }
        let unitA = a * (1 / norm(a)), unitB = b * (1 / norm(b))
        let arc = Latents.interpolate(unitA, unitB, steps: 5, spherical: true)
        for i in 0..<5 { #expect(abs(norm(arc.slice(axis: 0, i..<(i + 1))) - 1) < 1e-5) }
        // Parallel latents fall back to the line instead of dividing by zero.
        let same = Latents.interpolate(a, a * 2, steps: 3, spherical: true)
        #expect(same.scalars.allSatisfy { $0.isFinite })
    }
}
