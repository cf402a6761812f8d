import SwiftGANEngine
import Foundation

/// Where a generator's inputs come from: draws from N(0, 1) (optionally truncated, BigGAN's
/// truncation trick), one stream per seed, and paths between two latents.
public enum Latents {
    /// Latents of `shape` from one stream: N(0, 1), or truncated to [-T, T] when `truncation`
    /// gives T. This is what `swiftgan sample --n N --seed S` draws.
    public static func draw(_ shape: [Int], truncation: Float?, generator rng: inout RandomGenerator) -> Tensor {
        truncation.map { rng.truncatedNormal(shape, threshold: $0) } ?? rng.normal(shape)
    }

    /// One latent per seed, row i from a stream seeded by `seeds[i]` alone, so a seed names the
    /// same latent whatever it is drawn with: row i is `sample --n 1 --seed seeds[i]`'s latent.
    public static func forSeeds(_ seeds: [UInt64], dimension: Int, truncation: Float?) -> Tensor {
        let rows = seeds.map { seed -> Tensor in
            var rng = RandomGenerator(seed: seed)
            return draw([1, dimension], truncation: truncation, generator: &rng)
        }
        return rows.count == 1 ? rows[0] : Tensor.concat(rows, axis: 0)
    }

    /// `steps` latents from `a` to `b` ([1, d] each), both ends included: evenly spaced on the
    /// line between them, or with `spherical` on the great circle (slerp; the line when the two
    /// are parallel).
    public static func interpolate(_ a: Tensor, _ b: Tensor, steps: Int, spherical: Bool) -> Tensor {
        precondition(steps >= 2 && a.shape == b.shape && a.rank == 2 && a.shape[0] == 1, "interpolation needs two [1, d] latents and 2 or more steps")
        let x = a.scalars.map(Double.init), y = b.scalars.map(Double.init)
        let norms = (x.reduce(0) { $0 + $1 * $1 }.squareRoot(), y.reduce(0) { $0 + $1 * $1 }.squareRoot())
        let cosine = norms.0 > 0 && norms.1 > 0 ? zip(x, y).reduce(0) { $0 + $1.0 * $1.1 } / (norms.0 * norms.1) : 1
        let angle = Foundation.acos(max(-1, min(1, cosine)))
        var values = [Float]()
        values.reserveCapacity(steps * x.count)
        for i in 0..<steps {
            let t = Double(i) / Double(steps - 1)
            let (wa, wb) = spherical && Foundation.sin(angle) > 1e-6
                ? (Foundation.sin((1 - t) * angle) / Foundation.sin(angle), Foundation.sin(t * angle) / Foundation.sin(angle))
                : (1 - t, t)
            values += zip(x, y).map { Float(wa * $0 + wb * $1) }
        }
        return Tensor(values, shape: [steps, x.count])
    }
}
