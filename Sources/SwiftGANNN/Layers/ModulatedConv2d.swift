import SwiftGANEngine

/// StyleGAN2's modulated convolution (its `SynthesisLayer` and `ToRGBLayer`, as the peer zoo's
/// `ModulatedConv`): a style vector from w (`affine`, bias initialized to 1) scales the weights'
/// input channels for each sample, demodulation rescales each output channel to unit norm,
/// then per-pixel noise (scaled by the learned `noise_strength`), the bias and the activation.
/// With `upsample` the input is first resized 2× bilinearly.
///
/// The reference computes one grouped convolution with per-sample weights; this layer computes
/// the same map in its batched form: input channels times the styles, one convolution with the
/// shared weights, output channels times the demodulation coefficients
/// rsqrt(Σ_{i,k} (w·s_i)² + 1e-8), which are one small matrix product.
///
/// Keys: `weight` [out, in, k, k], `bias` [out], `affine.weight`, `affine.bias`, and with noise
/// `noise_strength` (a scalar) and the buffer `noise_const` [res, res].
public final class ModulatedConv2d: Module {
    public let affine: EqualizedLinear
    public let weight: Tensor
    public let bias: Tensor
    /// The learned noise scale (nil for layers without noise, such as toRGB).
    public let noiseStrength: Tensor?
    /// The fixed noise image used with `--noise const`.
    public let noiseConstant: Tensor?
    public let demodulate: Bool
    public let upsample: Bool
    public let activation: EqualizedActivation

    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int, styleDimension: Int, demodulate: Bool = true,
                upsample: Bool = false, activation: EqualizedActivation = .leakyReLU, noiseResolution: Int? = nil,
                generator rng: inout RandomGenerator) {
        affine = EqualizedLinear(styleDimension, inChannels, biasInit: 1, generator: &rng)
        weight = Tensor.zeros([outChannels, inChannels, kernelSize, kernelSize], requiresGrad: true)
        bias = Tensor.zeros([outChannels], requiresGrad: true)
        noiseStrength = noiseResolution.map { _ in Tensor(scalar: 0, requiresGrad: true) }
        noiseConstant = noiseResolution.map { Tensor.zeros([$0, $0]) }
        self.demodulate = demodulate
        self.upsample = upsample
        self.activation = activation
        super.init()
        Init.normal(weight, generator: &rng)
        if let noiseConstant { Init.normal(noiseConstant, generator: &rng) }
    }

    override public func ownParameters() -> [(String, Tensor)] {
        [("weight", weight), ("bias", bias)] + (noiseStrength.map { [("noise_strength", $0)] } ?? [])
    }

    override public func ownBuffers() -> [(String, Tensor)] {
        noiseConstant.map { [("noise_const", $0)] } ?? []
    }

    public var outChannels: Int { weight.shape[0] }
    public var weightGain: Float { 1 / Float(weight.shape[1] * weight.shape[2] * weight.shape[3]).squareRoot() }

    /// x [n, in, h, w] (or [1, in, h, w], shared by the batch) and w [n, styleDimension] →
    /// [n, out, h, w] (2h, 2w with `upsample`).
    /// `noise` is added before the bias: [H, W] (the constant) or [n, 1, H, W] (fresh draws);
    /// nil adds none. Layers without noise ignore it.
    public func callAsFunction(_ x: Tensor, _ w: Tensor, noise: Tensor? = nil) -> Tensor {
        let (n, inChannels) = (w.shape[0], x.shape[1])
        let styles = affine(w)                                   // [n, in]
        let scaledWeight = weight * weightGain
        // Scaling channels commutes with bilinear resizing: scale the smaller tensor.
        var input = x * styles.reshaped([n, inChannels, 1, 1])
        if upsample { input = input.upsample(scale: (2, 2), mode: .bilinear) }
        let k = weight.shape[2]
        var y = Tensor.conv2d(input, weight: scaledWeight, padding: (k / 2, k / 2))
        if demodulate {
            let squaredNorms = scaledWeight.pow(2).sum(axes: [2, 3])                        // [out, in]
            let coefficients = (styles.pow(2).matmul(squaredNorms, transposeOther: true) + 1e-8).pow(-0.5)   // [n, out]
            y = y * coefficients.reshaped([n, outChannels, 1, 1])
        }
        if let noise, let noiseStrength { y = y + noise * noiseStrength }
        return activation(y + bias.reshaped([1, outChannels, 1, 1]))
    }
}
