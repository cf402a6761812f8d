import SwiftGANEngine

/// The self-attention block of SAGAN as BigGAN-PyTorch writes it: 1×1 convolutions `theta`
/// (queries, C/8 channels), `phi` (keys, C/8) and `g` (values, C/2), keys and values max-pooled
/// 2×2, attention weights softmax(θᵀφ) over the keys, the attended values projected back to C
/// channels by `o`, and a residual scaled by the learned scalar `gamma` (initially 0, so the
/// block starts as the identity): x + γ · o(g · βᵀ). The convolutions have no bias and are
/// spectrally normalized unless asked not to. Height and width must be even.
///
/// ```swift
/// var rng = RandomGenerator(seed: 0)
/// let attention = SelfAttention(128, generator: &rng)
/// let y = attention(x)   // [n, 128, 14, 14] → [n, 128, 14, 14]
/// ```
public final class SelfAttention: Module, UnaryLayer {
    public let theta: Conv2d
    public let phi: Conv2d
    public let g: Conv2d
    public let o: Conv2d
    /// The residual's scale, a scalar parameter (shape []).
    public let gamma = Tensor(scalar: 0, requiresGrad: true)

    public init(_ channels: Int, spectralNorm: Bool = true, generator rng: inout RandomGenerator) {
        precondition(channels % 8 == 0, "self-attention needs channels divisible by 8, got \(channels)")
        theta = Conv2d(channels, channels / 8, kernelSize: 1, bias: false, generator: &rng)
        phi = Conv2d(channels, channels / 8, kernelSize: 1, bias: false, generator: &rng)
        g = Conv2d(channels, channels / 2, kernelSize: 1, bias: false, generator: &rng)
        o = Conv2d(channels / 2, channels, kernelSize: 1, bias: false, generator: &rng)
        super.init()
        if spectralNorm {
            for layer in [theta, phi, g, o] { layer.applySpectralNorm(generator: &rng) }
        }
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        precondition(x.rank == 4 && x.shape[2] % 2 == 0 && x.shape[3] % 2 == 0, "self-attention needs [n, c, h, w] with even h, w; got \(x.shape)")
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let positions = h * w
        let queries = theta(x).reshaped([n, c / 8, positions])
        let keys = phi(x).maxPool2d(kernel: (2, 2)).reshaped([n, c / 8, positions / 4])
        let values = g(x).maxPool2d(kernel: (2, 2)).reshaped([n, c / 2, positions / 4])
        let weights = queries.bmm(keys, transposeSelf: true).softmax(axis: -1)   // [n, positions, positions / 4]
        let attended = values.bmm(weights, transposeOther: true).reshaped([n, c / 2, h, w])
        return x + gamma * o(attended)
    }
}
