import SwiftGANCore
import SwiftGANEngine

/// Latents sorted by what the shipped evaluator sees in their images: the mean latent of each
/// class, for latent vector arithmetic ("mean of class A − mean of B + mean of C").
///
/// ```swift
/// let classes = try LatentClasses(generator: g, evaluator: .pretrained(for: .fashionMNIST), count: 2000, seed: 0)
/// let z = try classes.arithmetic(5, 7, 9)   // [1, d]: sandal − sneaker + ankle boot
/// ```
public struct LatentClasses {
    /// The latents drawn, [count, d].
    public let latents: Tensor
    /// The evaluator's class of each latent's image, and its probability.
    public let predicted: [Int]
    public let confidence: [Float]
    /// Only images the evaluator is at least this sure of count toward a class's mean.
    public let minimumConfidence: Float
    public let classNames: [String]

    /// Draws `count` latents from seed `seed` (as `sample --n count --seed seed`), generates
    /// their images (with `label` for a conditional generator) and classifies them.
    public init(generator: any SampleableGenerator, evaluator: EvaluatorNetwork, count: Int, seed: UInt64, label: Int? = nil,
                minimumConfidence: Float = 0.9) throws {
        guard let shape = generator.imageShape else { throw ConfigError("the generator makes 2-D points, not images the evaluator can classify") }
        try evaluator.checkInput([1] + shape, "the generator's images")
        var rng = RandomGenerator(seed: seed)
        latents = generator.latents(fromZ: Latents.draw([count, generator.zDimension], truncation: nil, generator: &rng))
        let labels = generator.classCount > 0 ? Array(repeating: label ?? 0, count: count) : nil
        let images = try generator.generateAll(latents, labels: labels).reshaped([count] + shape)
        let probabilities = evaluator.extract(images).probabilities
        let (k, p) = (probabilities.shape[1], probabilities.scalars)
        let best = probabilities.argmaxRows()
        predicted = best
        confidence = (0..<count).map { p[$0 * k + best[$0]] }
        self.minimumConfidence = minimumConfidence
        classNames = evaluator.classNames
    }

    /// How many latents count toward each class's mean.
    public var counts: [Int] {
        var counts = [Int](repeating: 0, count: classNames.count)
        for (c, p) in zip(predicted, confidence) where p >= minimumConfidence { counts[c] += 1 }
        return counts
    }

    /// The mean latent [1, d] of the images the evaluator puts in `label` with enough confidence.
    public func mean(of label: Int) throws -> Tensor {
        guard classNames.indices.contains(label) else {
            throw ConfigError("class \(label) is not one of the evaluator's 0...\(classNames.count - 1)")
        }
        let rows = predicted.indices.filter { predicted[$0] == label && confidence[$0] >= minimumConfidence }
        guard !rows.isEmpty else {
            throw ConfigError("no image of \(latents.shape[0]) was classified as \(label) (\(classNames[label])) with probability ≥ \(minimumConfidence); draw more (--n) or lower --confidence")
        }
        return latents.rows(rows).mean(axis: 0, keepDims: true)
    }

    /// mean(a) − mean(b) + mean(c).
    public func arithmetic(_ a: Int, _ b: Int, _ c: Int) throws -> Tensor {
        try mean(of: a) - mean(of: b) + mean(of: c)
    }
}
