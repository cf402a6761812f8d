import SwiftGANEngine
import SwiftGANNN

/// CycleGAN's residual block (`ResnetBlock` of the peer zoo): x plus reflection pad 1, 3×3
/// convolution, instance norm, ReLU, reflection pad 1, 3×3 convolution, instance norm. Keys
/// `conv_block.1` and `conv_block.5`, as PyTorch's `state_dict`.
public final class ResnetBlock: Module, UnaryLayer {
    public let convBlock: Sequential

    public init(_ dim: Int, generator rng: inout RandomGenerator) {
        convBlock = Sequential(ReflectionPad2d(1), Conv2d(dim, dim, kernelSize: 3, generator: &rng), InstanceNorm2d(dim), ReLU(),
                               ReflectionPad2d(1), Conv2d(dim, dim, kernelSize: 3, generator: &rng), InstanceNorm2d(dim))
        super.init()
    }

    override public func namedChildren() -> [(String, Module)] { [("conv_block", convBlock)] }

    public func callAsFunction(_ x: Tensor) -> Tensor { x + convBlock(x) }
}

/// CycleGAN's ResNet generator (`ResnetGenerator` of the peer zoo, ngf 32, 3 residual blocks):
/// reflection pad 3 and a 7×7 convolution, two stride-2 3×3 convolutions down to a quarter of
/// the side, the residual blocks there, two stride-2 transposed convolutions back up, reflection
/// pad 3, a 7×7 convolution to the image channels and tanh; instance norm and ReLU after every
/// convolution but the last. One Sequential `model`, so keys run `model.1.weight` …
/// `model.20.weight`, as PyTorch's `state_dict`. Any side divisible by 4.
///
/// ```swift
/// var rng = RandomGenerator(seed: 0)
/// let g = ResnetGenerator(channels: 1, generator: &rng)
/// let y = g(x)   // [n, 1, 32, 32] → [n, 1, 32, 32] in [-1, 1]
/// ```
public final class ResnetGenerator: Module, UnaryLayer {
    public let model: Sequential
    /// The image channels in and out.
    public let channels: Int

    public init(channels: Int = 1, filters ngf: Int = 32, blocks: Int = 3, generator rng: inout RandomGenerator) {
        self.channels = channels
        var layers: [any UnaryLayer] = [
            ReflectionPad2d(3), Conv2d(channels, ngf, kernelSize: 7, generator: &rng), InstanceNorm2d(ngf), ReLU(),
            Conv2d(ngf, ngf * 2, kernelSize: 3, stride: 2, padding: 1, generator: &rng), InstanceNorm2d(ngf * 2), ReLU(),
            Conv2d(ngf * 2, ngf * 4, kernelSize: 3, stride: 2, padding: 1, generator: &rng), InstanceNorm2d(ngf * 4), ReLU(),
        ]
        for _ in 0..<blocks { layers.append(ResnetBlock(ngf * 4, generator: &rng)) }
        layers += [
            ConvTranspose2d(ngf * 4, ngf * 2, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1, generator: &rng),
            InstanceNorm2d(ngf * 2), ReLU(),
            ConvTranspose2d(ngf * 2, ngf, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1, generator: &rng),
            InstanceNorm2d(ngf), ReLU(),
            ReflectionPad2d(3), Conv2d(ngf, channels, kernelSize: 7, generator: &rng), Tanh(),
        ]
        model = Sequential(layers)
        super.init()
    }

    override public func namedChildren() -> [(String, Module)] { [("model", model)] }

    public func callAsFunction(_ x: Tensor) -> Tensor { model(x) }
}
