import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

/// Perceptual path length: the paths' ends, the trimmed mean, and that the measure is a
/// derivative (halving ε changes little) and depends on the space.
@Suite struct PerceptualPathLengthTests {
    @Test func sphericalPathsKeepTheEndsAndTheirNorms() {
        var rng = RandomGenerator(seed: 1)
        let a = rng.normal([3, 16]), b = rng.normal([3, 16])
        let start = PerceptualPathLength.interpolate(a, b, [0, 0, 0], spherical: true)
        let end = PerceptualPathLength.interpolate(a, b, [1, 1, 1], spherical: true)
        #expect(relativeError(start, a) < 1e-5 && relativeError(end, b) < 1e-5)
        let linear = PerceptualPathLength.interpolate(a, b, [0.5, 0.5, 0.5], spherical: false)
        #expect(relativeError(linear, (a + b) * 0.5) < 1e-6)
    }

    @Test func trimmedMeanDropsTheOutlyingPercent() {
        let values = (0..<100).map(Double.init) + [1e9]
        #expect(abs(PerceptualPathLength.trimmedMean(values) - 50) < 1e-9, "1st..99th percentile of 0…99 and one outlier")
    }

    @Test func isADerivativeAndDiffersBetweenSpaces() throws {
        var rng = RandomGenerator(seed: 0)
        let g = StyleGANGenerator(generator: &rng)
        try g.load(from: Fixtures.path("torch_stylegan_generator.safetensors"))
        let evaluator = try EvaluatorNetwork.pretrained(for: .fashionMNIST)
        let w1 = try PerceptualPathLength.measure(g.latentSpace, evaluator: evaluator, count: 100, epsilon: 1e-4)
        let w2 = try PerceptualPathLength.measure(g.latentSpace, evaluator: evaluator, count: 100, epsilon: 2e-4)
        #expect(abs(w1 - w2) < 0.05 * w1, "ε 1e-4: \(w1), 2e-4: \(w2)")
        let z = try PerceptualPathLength.measure(g, evaluator: evaluator, count: 100)
        #expect(abs(z - w1) > 0.05 * w1, "Z \(z) and W \(w1) are different paths")
    }
}
