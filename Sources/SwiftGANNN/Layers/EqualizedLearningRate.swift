import SwiftGANEngine

/// How an equalized-learning-rate layer ends: linear, or StyleGAN's leaky ReLU (slope 0.2)
/// scaled by √2 to keep the activations' second moment.
public enum EqualizedActivation: String, Sendable {
    case linear
    case leakyReLU = "lrelu"

    /// `x` through the activation, times `gain`.
    public func callAsFunction(_ x: Tensor, gain: Float = 1) -> Tensor {
        switch self {
        case .linear: gain == 1 ? x : x * gain
        case .leakyReLU: x.leakyReLU(negativeSlope: 0.2) * (Float(2).squareRoot() * gain)
        }
    }
}

/// A dense layer with equalized learning rate (Karras et al., ProGAN), as StyleGAN2's
/// `FullyConnectedLayer`: weights are stored as N(0, 1)/`learningRateMultiplier` and scaled
/// at run time by `learningRateMultiplier`/√in, the bias by `learningRateMultiplier`, so Adam's
/// steps are the same size for every layer (and `learningRateMultiplier` slows a whole layer, as
/// the 0.01 of StyleGAN's mapping network does). Keys `weight` [out, in] and `bias` [out].
///
/// ```swift
/// var rng = RandomGenerator(seed: 0)
/// let fc = EqualizedLinear(128, 128, learningRateMultiplier: 0.01, activation: .leakyReLU, generator: &rng)
/// let w = fc(z)   // [n, 128] → [n, 128]
/// ```
public final class EqualizedLinear: Module, UnaryLayer {
    public let weight: Tensor
    public let bias: Tensor?
    public let learningRateMultiplier: Float
    public let activation: EqualizedActivation

    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true, learningRateMultiplier: Float = 1,
                activation: EqualizedActivation = .linear, biasInit: Float = 0, generator rng: inout RandomGenerator) {
        weight = Tensor.zeros([outFeatures, inFeatures], requiresGrad: true)
        self.bias = bias ? Tensor.full([outFeatures], biasInit, requiresGrad: true) : nil
        self.learningRateMultiplier = learningRateMultiplier
        self.activation = activation
        super.init()
        Init.normal(weight, std: 1 / learningRateMultiplier, generator: &rng)
    }

    /// The run-time scale of the stored weights.
    public var weightGain: Float { learningRateMultiplier / Float(weight.shape[1]).squareRoot() }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        let b = learningRateMultiplier == 1 ? bias : bias.map { $0 * learningRateMultiplier }
        return activation(Tensor.linear(x, weight: weight * weightGain, bias: b))
    }
}

/// A 2-D convolution with equalized learning rate, as StyleGAN2's `Conv2dLayer` in the peer
/// zoo: weights N(0, 1) scaled by 1/√(in·k·k) at run time, padding k/2, an optional 2×2
/// average pooling after the convolution (`downsample`), the activation, and a gain the caller
/// may give (the residual discriminator's √½). Keys `weight` [out, in, k, k] and `bias` [out].
///
/// ```swift
/// var rng = RandomGenerator(seed: 0)
/// let conv = EqualizedConv2d(64, 128, kernelSize: 3, downsample: true, generator: &rng)
/// let y = conv(x)   // [n, 64, 16, 16] → [n, 128, 8, 8]
/// ```
public final class EqualizedConv2d: Module, UnaryLayer {
    public let weight: Tensor
    public let bias: Tensor?
    public let activation: EqualizedActivation
    public let downsample: Bool

    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int, bias: Bool = true,
                activation: EqualizedActivation = .leakyReLU, downsample: Bool = false, generator rng: inout RandomGenerator) {
        weight = Tensor.zeros([outChannels, inChannels, kernelSize, kernelSize], requiresGrad: true)
        self.bias = bias ? Tensor.zeros([outChannels], requiresGrad: true) : nil
        self.activation = activation
        self.downsample = downsample
        super.init()
        Init.normal(weight, generator: &rng)
    }

    public var weightGain: Float { 1 / Float(weight.shape[1] * weight.shape[2] * weight.shape[3]).squareRoot() }

    public func callAsFunction(_ x: Tensor) -> Tensor { self(x, gain: 1) }

    /// The layer's output times `gain`.
    public func callAsFunction(_ x: Tensor, gain: Float) -> Tensor {
        let w = weight * weightGain, k = weight.shape[2]
        let y = downsample ? Conv2d.avgPooledSameSize(x, weight: w, bias: bias)
            : Tensor.conv2d(x, weight: w, bias: bias, padding: (k / 2, k / 2))
        return activation(y, gain: gain)
    }
}
