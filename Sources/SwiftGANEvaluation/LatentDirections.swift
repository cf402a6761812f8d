import Foundation
import SwiftGANCore
import SwiftGANEngine

/// Interpretable directions in a generator's latent space, and the images along them.
///
/// - `principal`: GANSpace (Härkönen et al.): PCA of the generator's first hidden activations
///   over many latents (of w itself for StyleGAN's W), each component carried back to the
///   latent space by regressing the latents on its coordinates.
/// - `probes`: linear probes, one per class of the shipped evaluator: the least-squares
///   direction in latent space along which the evaluator's label for that class rises.
///
/// Directions are unit vectors, so a step of 1 along one moves a N(0, 1) latent by one
/// standard deviation of its distribution along it.
public enum LatentDirections {
    /// The first `components` GANSpace directions [components, d] of `generator`, from `count`
    /// latents drawn from `seed`, with the share of the activations' variance each explains.
    public static func principal(_ generator: any SampleableGenerator, components: Int, count: Int, seed: UInt64,
                                 label: Int? = nil) throws -> (directions: Tensor, explained: [Float]) {
        precondition(components >= 1 && count > components, "principal directions need more latents than components")
        var rng = RandomGenerator(seed: seed)
        let z = generator.latents(fromZ: Latents.draw([count, generator.zDimension], truncation: nil, generator: &rng))
        let labels = generator.classCount > 0 ? Array(repeating: label ?? 0, count: count) : nil
        // GANSpace takes StyleGAN's components in W itself; other generators' in their first layer.
        let hidden = generator.latentSpaceName == "W" ? z : try firstHiddenActivations(generator, z, labels: labels)   // [count, D]
        let centered = hidden - hidden.mean(axis: 0, keepDims: true)
        // Subspace iteration for the top components of the [count, D] activations.
        var basis = orthonormalRows(rng.normal([components, centered.shape[1]]))
        for _ in 0..<30 {
            basis = orthonormalRows(centered.matmul(centered.matmul(basis, transposeOther: true), transposeSelf: true).T)
        }
        let coordinates = withNoGrad { centered.matmul(basis, transposeOther: true) }   // [count, k]
        let total = (centered * centered).sum().item
        let variances = (coordinates * coordinates).sum(axis: 0).scalars
        // Regress z on each coordinate (they are uncorrelated): u_k ∝ zᵀ c_k.
        let directions = unitRows(withNoGrad { coordinates.matmul(z, transposeSelf: true) })
        return (directions, variances.map { total > 0 ? $0 / total : 0 })
    }

    /// One unit direction per class of `classes` [classes, d]: the least-squares linear probe
    /// from the latents to "the evaluator puts this image in the class" (1 or 0).
    public static func probes(_ classes: LatentClasses) throws -> Tensor {
        let z = classes.latents
        let (n, d) = (z.shape[0], z.shape[1])
        let k = classes.classNames.count
        var targets = [Float](repeating: 0, count: n * k)
        for (i, c) in classes.predicted.enumerated() { targets[i * k + c] = 1 }
        let centered = Tensor(targets, shape: [n, k]) - Tensor(targets, shape: [n, k]).mean(axis: 0, keepDims: true)
        let gram = withNoGrad { z.matmul(z, transposeSelf: true) }            // [d, d]
        let right = withNoGrad { z.matmul(centered, transposeSelf: true) }     // [d, k]
        let weights = try solvePositiveDefinite(gram, right)                  // [d, k]
        return unitRows(weights.T)
    }

    /// The latents `base` [1, d] + t·direction for `steps` values of t evenly from -extent to extent.
    public static func walk(from base: Tensor, along direction: Tensor, steps: Int, extent: Float) -> Tensor {
        let ts = (0..<steps).map { steps == 1 ? 0 : -extent + 2 * extent * Float($0) / Float(steps - 1) }
        return Tensor.concat(ts.map { base + direction.reshaped([1, -1]) * $0 }, axis: 0)
    }

    /// The first hidden activations (the output of the first ReLU or leaky ReLU the forward pass
    /// runs) for `z`, flattened per sample, in evaluation mode.
    static func firstHiddenActivations(_ generator: any SampleableGenerator, _ z: Tensor, labels: [Int]?) throws -> Tensor {
        generator.eval()
        defer { generator.train() }
        var chunks: [Tensor] = []
        var start = 0
        while start < z.shape[0] {
            let end = min(start + 500, z.shape[0])
            let (_, trace) = withNoGrad { OpTrace.capture { generator.generate(z.slice(axis: 0, start..<end), labels: labels.map { Array($0[start..<end]) }) } }
            guard let first = trace.entries.first(where: { $0.op == "relu" || $0.op == "leaky_relu" }) else {
                throw ConfigError("the generator has no ReLU to take hidden activations from")
            }
            chunks.append(first.output.reshaped([end - start, -1]))
            start = end
        }
        return Tensor.concat(chunks, axis: 0)
    }

    /// Rows made orthonormal by Gram-Schmidt, in order.
    static func orthonormalRows(_ m: Tensor) -> Tensor {
        let (k, d) = (m.shape[0], m.shape[1])
        var rows = (0..<k).map { Array(m.scalars[$0 * d..<($0 + 1) * d]).map(Double.init) }
        for i in 0..<k {
            for j in 0..<i {
                let dot = zip(rows[i], rows[j]).reduce(0) { $0 + $1.0 * $1.1 }
                for t in 0..<d { rows[i][t] -= dot * rows[j][t] }
            }
            let norm = rows[i].reduce(0) { $0 + $1 * $1 }.squareRoot()
            if norm > 0 { rows[i] = rows[i].map { $0 / norm } }
        }
        return Tensor(rows.flatMap { $0.map(Float.init) }, shape: [k, d])
    }

    static func unitRows(_ m: Tensor) -> Tensor {
        let norms = (m * m).sum(axis: 1, keepDims: true).sqrt().clamp(min: 1e-12)
        return withNoGrad { m / norms }
    }

    /// X with A·X = B for a symmetric positive definite A [d, d] and B [d, k] (Cholesky, in Double).
    static func solvePositiveDefinite(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        let d = a.shape[0], k = b.shape[1]
        var l = a.scalars.map(Double.init)
        for j in 0..<d {
            var diagonal = l[j * d + j]
            for t in 0..<j { diagonal -= l[j * d + t] * l[j * d + t] }
            guard diagonal > 0 else { throw ConfigError("the latents do not span their space; draw more (--n)") }
            l[j * d + j] = diagonal.squareRoot()
            for i in (j + 1)..<max(j + 1, d) {
                var v = l[i * d + j]
                for t in 0..<j { v -= l[i * d + t] * l[j * d + t] }
                l[i * d + j] = v / l[j * d + j]
            }
        }
        var x = b.scalars.map(Double.init)
        for c in 0..<k {
            for i in 0..<d {   // L y = b
                var v = x[i * k + c]
                for t in 0..<i { v -= l[i * d + t] * x[t * k + c] }
                x[i * k + c] = v / l[i * d + i]
            }
            for i in stride(from: d - 1, through: 0, by: -1) {   // Lᵀ x = y
                var v = x[i * k + c]
                for t in (i + 1)..<max(i + 1, d) { v -= l[t * d + i] * x[t * k + c] }
                x[i * k + c] = v / l[i * d + i]
            }
        }
        return Tensor(x.map(Float.init), shape: [d, k])
    }
}
