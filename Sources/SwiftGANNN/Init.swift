import SwiftGANEngine

/// In-place parameter initializers with PyTorch's formulas (`torch.nn.init`).
public enum Init {
    /// U(low, high).
    public static func uniform(_ t: Tensor, low: Float, high: Float, generator: inout RandomGenerator) {
        t.assign(generator.uniform(t.shape, low: low, high: high))
    }

    /// N(mean, std²); the DCGAN initialization is `normal(t, mean: 0, std: 0.02)`.
    public static func normal(_ t: Tensor, mean: Float = 0, std: Float = 1, generator: inout RandomGenerator) {
        t.assign(generator.normal(t.shape, mean: mean, std: std))
    }

    /// Kaiming (He) uniform with LeakyReLU gain for slope `a`, over fan-in: bound =
    /// √(2 / (1 + a²)) · √(3 / fanIn), as `torch.nn.init.kaiming_uniform_`.
    public static func kaimingUniform(_ t: Tensor, a: Float = 0, generator: inout RandomGenerator) {
        let fanIn = t.rank < 2 ? t.count : t.shape[1...].reduce(1, *)
        let gain = (2 / (1 + a * a)).squareRoot()
        let bound = fanIn > 0 ? gain * (3 / Float(fanIn)).squareRoot() : 0
        uniform(t, low: -bound, high: bound, generator: &generator)
    }

    public static func constant(_ t: Tensor, _ value: Float) { t.assign(Tensor.full(t.shape, value)) }
}
