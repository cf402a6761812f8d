import Foundation
import SwiftGANCore
import SwiftGANEngine

/// Perceptual path length (Karras et al., StyleGAN): how much the image changes, perceptually,
/// for a small step along an interpolation path in latent space. For `count` pairs of latents
/// and t ~ U(0, 1), the squared distance between the evaluator's features of the images at t
/// and t + ε, divided by ε²; the mean after dropping the values below the 1st and above the
/// 99th percentile, as the reference does. In Z the path is slerp between two z; in W (StyleGAN)
/// it is lerp between their w.
///
/// The distance is the shipped evaluator's 128 features, not LPIPS on VGG: values compare
/// between SwiftGAN runs on the same data, not with published numbers.
///
/// ```swift
/// let ppl = try PerceptualPathLength.measure(g.latentSpace, evaluator: .pretrained(for: .fashionMNIST), count: 10_000)
/// ```
public enum PerceptualPathLength {
    public static let defaultEpsilon: Float = 1e-4

    /// PPL of `generator` in its latent space (pass `g` for Z, `g.latentSpace` for StyleGAN's
    /// W); `labels` a class for conditional generators.
    public static func measure(_ generator: any SampleableGenerator, evaluator: EvaluatorNetwork, count: Int = 10_000,
                               epsilon: Float = defaultEpsilon, seed: UInt64 = 0, label: Int? = nil) throws -> Double {
        guard let shape = generator.imageShape else { throw ConfigError("perceptual path length needs a generator of images") }
        try evaluator.checkInput([1] + shape, "the generator's images")
        precondition(count >= 1 && epsilon > 0, "PPL needs a positive count and ε")
        var rng = RandomGenerator(seed: seed)
        let zDimension = generator.zDimension
        let a = generator.latents(fromZ: rng.normal([count, zDimension]))
        let b = generator.latents(fromZ: rng.normal([count, zDimension]))
        let t = rng.uniform([count])
        let spherical = generator.latentSpaceName == "Z"
        let start = interpolate(a, b, t.scalars, spherical: spherical)
        let end = interpolate(a, b, t.scalars.map { $0 + epsilon }, spherical: spherical)
        let labels = generator.classCount > 0 ? Array(repeating: label ?? 0, count: count) : nil
        let features0 = evaluator.extract(try generator.generateAll(start, labels: labels)).features
        let features1 = evaluator.extract(try generator.generateAll(end, labels: labels)).features
        let distances = ((features1 - features0).pow(2).sum(axis: 1) / (epsilon * epsilon)).scalars.map(Double.init)
        return trimmedMean(distances)
    }

    /// The mean of the values between the 1st and 99th percentiles, inclusive: the sample at or
    /// below the 1st and the one at or above the 99th (numpy's 'lower' and 'higher', as the
    /// reference takes them).
    public static func trimmedMean(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let last = Double(sorted.count - 1)
        let (lo, hi) = (sorted[Int((0.01 * last).rounded(.down))], sorted[Int((0.99 * last).rounded(.up))])
        let kept = sorted.filter { $0 >= lo && $0 <= hi }
        return kept.reduce(0, +) / Double(max(kept.count, 1))
    }

    /// Rows a + t·(b - a), or for Z the spherical path between them.
    public static func interpolate(_ a: Tensor, _ b: Tensor, _ t: [Float], spherical: Bool) -> Tensor {
        let d = a.shape[1]
        let x = a.scalars, y = b.scalars
        var out = [Float](repeating: 0, count: x.count)
        for i in 0..<t.count {
            let row = i * d
            let tt = Double(t[i])
            if !spherical {
                for j in 0..<d { out[row + j] = Float(Double(x[row + j]) + tt * Double(y[row + j] - x[row + j])) }
                continue
            }
            // StyleGAN's slerp of the unit vectors, scaled by the interpolated norm: StyleGAN
            // normalizes z's second moment, so the scale changes nothing there, and generators
            // that do not (DCGAN) get latents of the norm N(0, 1) draws have.
            let u = (0..<d).map { Double(x[row + $0]) }, v = (0..<d).map { Double(y[row + $0]) }
            let nu = u.reduce(0) { $0 + $1 * $1 }.squareRoot(), nv = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            let p = u.map { $0 / nu }, q = v.map { $0 / nv }
            let cosine = max(-1, min(1, zip(p, q).reduce(0) { $0 + $1.0 * $1.1 }))
            let angle = Foundation.acos(cosine) * tt
            var c = zip(q, p).map { $0 - cosine * $1 }
            let nc = c.reduce(0) { $0 + $1 * $1 }.squareRoot()
            c = nc > 0 ? c.map { $0 / nc } : c
            let norm = nu + tt * (nv - nu)
            for j in 0..<d { out[row + j] = Float(norm * (p[j] * Foundation.cos(angle) + c[j] * Foundation.sin(angle))) }
        }
        return Tensor(out, shape: a.shape)
    }
}
