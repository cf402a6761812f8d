import SwiftGANEngine

/// BigGAN's conditional batch normalization: batch norm without its own affine parameters,
/// then a per-sample gain and shift projected from a condition vector c (a class embedding,
/// with a chunk of z in BigGAN): y = bn(x) · (1 + gain(c)) + bias(c). The projections are
/// bias-free `Linear` layers, spectrally normalized as BigGAN-PyTorch's are unless asked not to;
/// keys `bn.running_mean`, `bn.running_var`, `bn.num_batches_tracked`, `gain.weight_orig`, …
///
/// ```swift
/// var rng = RandomGenerator(seed: 0)
/// let cbn = ConditionalBatchNorm(128, conditionDimension: 104, generator: &rng)
/// let y = cbn(x, c)   // x [n, 128, h, w], c [n, 104] → [n, 128, h, w]
/// ```
public final class ConditionalBatchNorm: Module {
    /// Batch norm without weight and bias: running statistics only.
    public let bn: BatchNorm
    /// The gain's projection [channels, condition]: the scale is 1 + gain(c).
    public let gain: Linear
    /// The shift's projection [channels, condition].
    public let bias: Linear

    public init(_ channels: Int, conditionDimension: Int, spectralNorm: Bool = true, eps: Float = 1e-5, momentum: Float = 0.1,
                generator rng: inout RandomGenerator) {
        bn = BatchNorm(channels, eps: eps, momentum: momentum, affine: false)
        gain = Linear(conditionDimension, channels, bias: false, generator: &rng)
        if spectralNorm { gain.applySpectralNorm(generator: &rng) }
        bias = Linear(conditionDimension, channels, bias: false, generator: &rng)
        if spectralNorm { bias.applySpectralNorm(generator: &rng) }
        super.init()
    }

    /// x [n, channels, …] normalized, then scaled and shifted per sample by condition [n, dim].
    public func callAsFunction(_ x: Tensor, _ condition: Tensor) -> Tensor {
        precondition(condition.rank == 2 && condition.shape[0] == x.shape[0], "conditional batch norm: condition \(condition.shape) for input \(x.shape)")
        var perSample = [x.shape[0], x.shape[1]]
        perSample += Array(repeating: 1, count: x.rank - 2)
        return bn(x) * (1 + gain(condition)).reshaped(perSample) + bias(condition).reshaped(perSample)
    }
}
