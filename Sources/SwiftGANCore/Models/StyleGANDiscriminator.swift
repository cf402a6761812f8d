import SwiftGANEngine
import SwiftGANNN

/// StyleGAN2's residual discriminator block (the peer zoo's `DiscriminatorBlock`): the first
/// block reads the image through `fromrgb` (1×1); then (skip(x) + conv1(conv0(x)))·√½, where
/// conv1 and the 1×1 linear `skip` (no bias) average-pool 2×2, halving the resolution. Keys
/// `fromrgb`, `conv0`, `conv1`, `skip`.
public final class StyleDiscriminatorBlock: Module, UnaryLayer {
    public let fromRGB: EqualizedConv2d?
    public let conv0: EqualizedConv2d
    public let conv1: EqualizedConv2d
    public let skip: EqualizedConv2d

    /// `inChannels` 0 makes the first block, which reads images of `imageChannels`.
    public init(_ inChannels: Int, _ tmpChannels: Int, _ outChannels: Int, imageChannels: Int = 1, generator rng: inout RandomGenerator) {
        fromRGB = inChannels == 0 ? EqualizedConv2d(imageChannels, tmpChannels, kernelSize: 1, generator: &rng) : nil
        conv0 = EqualizedConv2d(tmpChannels, tmpChannels, kernelSize: 3, generator: &rng)
        conv1 = EqualizedConv2d(tmpChannels, outChannels, kernelSize: 3, downsample: true, generator: &rng)
        skip = EqualizedConv2d(tmpChannels, outChannels, kernelSize: 1, bias: false, activation: .linear, downsample: true, generator: &rng)
        super.init()
    }

    override public func namedChildren() -> [(String, Module)] {
        (fromRGB.map { [("fromrgb", $0 as Module)] } ?? []) + [("conv0", conv0), ("conv1", conv1), ("skip", skip)]
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        let h = fromRGB.map { $0(x) } ?? x
        let half = Float(0.5).squareRoot()
        return skip(h, gain: half) + conv1(conv0(h), gain: half)
    }
}

/// The 4×4 head of StyleGAN2's discriminator (the peer zoo's `DiscriminatorEpilogue`):
/// minibatch standard deviation in groups of 4, a 3×3 convolution, a dense layer with leaky
/// ReLU and a dense layer to one score. Keys `conv`, `fc`, `out`.
public final class StyleDiscriminatorEpilogue: Module, UnaryLayer {
    public static let groupSize = 4
    public let minibatchStdDev = MinibatchStdDev(groupSize: groupSize)
    public let conv: EqualizedConv2d
    public let fc: EqualizedLinear
    public let out: EqualizedLinear

    public init(channels: Int, generator rng: inout RandomGenerator) {
        conv = EqualizedConv2d(channels + 1, channels, kernelSize: 3, generator: &rng)
        fc = EqualizedLinear(channels * 4 * 4, channels, activation: .leakyReLU, generator: &rng)
        out = EqualizedLinear(channels, 1, generator: &rng)
        super.init()
    }

    override public func namedChildren() -> [(String, Module)] {
        [("mbstd", minibatchStdDev), ("conv", conv), ("fc", fc), ("out", out)]
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        out(fc(conv(minibatchStdDev(x)).reshaped([x.shape[0], -1])))
    }
}

/// StyleGAN2-lite's discriminator (the peer zoo's `StyleDiscriminator`): residual blocks
/// 32 → 16 → 8 → 4 (32 → 64 → 128 → 128 channels) and the epilogue; images [n, C, 32, 32] →
/// scores [n, 1]. Keys `b32`, `b16`, `b8`, `b4`. The batch must be a multiple of 4, or below 4
/// (the minibatch standard deviation's groups).
public final class StyleGANDiscriminator: Module, UnaryLayer {
    public let blocks: [StyleDiscriminatorBlock]
    public let epilogue: StyleDiscriminatorEpilogue

    public init(imageChannels: Int = 1, generator rng: inout RandomGenerator) {
        blocks = [StyleDiscriminatorBlock(0, 32, 64, imageChannels: imageChannels, generator: &rng),
                  StyleDiscriminatorBlock(64, 64, 128, generator: &rng),
                  StyleDiscriminatorBlock(128, 128, 128, generator: &rng)]
        epilogue = StyleDiscriminatorEpilogue(channels: 128, generator: &rng)
        super.init()
    }

    override public func namedChildren() -> [(String, Module)] {
        zip(["b32", "b16", "b8"], blocks).map { ($0, $1 as Module) } + [("b4", epilogue)]
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        epilogue(blocks.reduce(x) { $1($0) })
    }
}
