import SwiftGANEngine
import SwiftGANNN

/// Pix2Pix's U-Net generator (`UNetGenerator` of the peer zoo): five stride-2 4×4 convolutions
/// down to 1×1 (LeakyReLU 0.2 before each but the first, instance norm after the middle three),
/// five transposed convolutions back up (ReLU before each, instance norm after all but the last,
/// dropout 0.5 after the second), each up step but the first taking the matching down step's
/// output concatenated on the channels, and tanh at the end. Keys `down1` (a convolution),
/// `down2`…`down5` and `up5`…`up1` (Sequentials, so `down2.1.weight`, `up4.1.weight`), as
/// PyTorch's `state_dict`. Built for 32×32; any side divisible by 32 works.
///
/// ```swift
/// var rng = RandomGenerator(seed: 0)
/// let g = UNetGenerator(channels: 1, generator: &rng)
/// let y = g(x)   // [n, 1, 32, 32] → [n, 1, 32, 32] in [-1, 1]
/// ```
public final class UNetGenerator: Module, UnaryLayer {
    public let down1: Conv2d
    public let down2: Sequential, down3: Sequential, down4: Sequential, down5: Sequential
    public let up5: Sequential, up4: Sequential, up3: Sequential, up2: Sequential, up1: Sequential
    /// The image channels in and out.
    public let channels: Int
    /// The dropout after `up4` (pix2pix's only source of noise, on in training and off in
    /// evaluation, as PyTorch's `eval()` turns it off).
    public let dropout: Dropout

    public init(channels: Int = 1, dropoutSeed: UInt64 = 0, generator rng: inout RandomGenerator) {
        self.channels = channels
        func down(_ i: Int, _ o: Int, norm: Bool) -> Sequential {
            Sequential([LeakyReLU(negativeSlope: 0.2), Conv2d(i, o, kernelSize: 4, stride: 2, padding: 1, generator: &rng)]
                       + (norm ? [InstanceNorm2d(o)] : []))
        }
        func up(_ i: Int, _ o: Int, last: [any UnaryLayer]) -> Sequential {
            Sequential([ReLU(), ConvTranspose2d(i, o, kernelSize: 4, stride: 2, padding: 1, generator: &rng)] + last)
        }
        down1 = Conv2d(channels, 64, kernelSize: 4, stride: 2, padding: 1, generator: &rng)
        down2 = down(64, 128, norm: true)
        down3 = down(128, 256, norm: true)
        down4 = down(256, 256, norm: true)
        down5 = down(256, 256, norm: false)
        dropout = Dropout(0.5, seed: dropoutSeed)
        up5 = up(256, 256, last: [InstanceNorm2d(256)])
        up4 = up(512, 256, last: [InstanceNorm2d(256), dropout])
        up3 = up(512, 128, last: [InstanceNorm2d(128)])
        up2 = up(256, 64, last: [InstanceNorm2d(64)])
        up1 = up(128, channels, last: [Tanh()])
        super.init()
    }

    override public func namedChildren() -> [(String, Module)] {
        [("down1", down1), ("down2", down2), ("down3", down3), ("down4", down4), ("down5", down5),
         ("up5", up5), ("up4", up4), ("up3", up3), ("up2", up2), ("up1", up1)]
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        let d1 = down1(x), d2 = down2(d1), d3 = down3(d2), d4 = down4(d3)
        let u5 = up5(down5(d4))
        let u4 = up4(Tensor.concat([u5, d4], axis: 1))
        let u3 = up3(Tensor.concat([u4, d3], axis: 1))
        let u2 = up2(Tensor.concat([u3, d2], axis: 1))
        return up1(Tensor.concat([u2, d1], axis: 1))
    }
}

/// The PatchGAN discriminator of Pix2Pix and CycleGAN (`PatchDiscriminator` of the peer zoo,
/// three layers): 4×4 convolutions of stride 2, 2, 1 and 1 with LeakyReLU 0.2 and instance norm
/// in between, one logit per overlapping 22×22 patch rather than one per image (a 32×32 input
/// gives a 6×6 map). Keys `net.0`, `net.2`, `net.5`, `net.8`, as PyTorch's `state_dict`.
///
/// ```swift
/// var rng = RandomGenerator(seed: 0)
/// let d = PatchDiscriminator(inChannels: 2, generator: &rng)   // Pix2Pix: A and B stacked
/// let logits = d(Tensor.concat([a, b], axis: 1))                // [n, 1, 6, 6]
/// ```
public final class PatchDiscriminator: Module, UnaryLayer {
    public let net: Sequential

    public init(inChannels: Int, generator rng: inout RandomGenerator) {
        net = Sequential(
            Conv2d(inChannels, 64, kernelSize: 4, stride: 2, padding: 1, generator: &rng), LeakyReLU(negativeSlope: 0.2),
            Conv2d(64, 128, kernelSize: 4, stride: 2, padding: 1, generator: &rng), InstanceNorm2d(128), LeakyReLU(negativeSlope: 0.2),
            Conv2d(128, 256, kernelSize: 4, stride: 1, padding: 1, generator: &rng), InstanceNorm2d(256), LeakyReLU(negativeSlope: 0.2),
            Conv2d(256, 1, kernelSize: 4, stride: 1, padding: 1, generator: &rng))
        super.init()
    }

    public func callAsFunction(_ x: Tensor) -> Tensor { net(x) }
}
