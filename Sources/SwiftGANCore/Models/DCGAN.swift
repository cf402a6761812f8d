import SwiftGANEngine
import SwiftGANNN

/// The DCGAN architectures of Radford et al.: a generator of transposed convolutions and a
/// discriminator of strided convolutions, batch norm everywhere except D's input and G's output,
/// ReLU in G, LeakyReLU(0.2) in D, Tanh output. Parameters and buffers are named as PyTorch
/// names a module holding the `nn.Sequential` in `self.net` (`net.0.weight`,
/// `net.1.running_mean`, …).
public enum DCGANLayout: String, CaseIterable, Codable, Sendable {
    /// 1×28×28, exactly the peer benchmark's `dcgan_models()`.
    case mnist28
    /// 3×32×32, four stages (256, 128, 64 feature maps).
    case rgb32
    /// 3×64×64, the layout of Radford et al. (512, 256, 128, 64 feature maps).
    case rgb64

    public static let latentDimension = 100

    public var imageShape: [Int] {
        switch self {
        case .mnist28: [1, 28, 28]
        case .rgb32: [3, 32, 32]
        case .rgb64: [3, 64, 64]
        }
    }

    func generatorLayers(_ rng: inout RandomGenerator) -> [any UnaryLayer] {
        switch self {
        case .mnist28:
            return [ConvTranspose2d(100, 256, kernelSize: 7, bias: false, generator: &rng), BatchNorm2d(256), ReLU(),
                    ConvTranspose2d(256, 128, kernelSize: 4, stride: 2, padding: 1, bias: false, generator: &rng), BatchNorm2d(128), ReLU(),
                    ConvTranspose2d(128, 1, kernelSize: 4, stride: 2, padding: 1, generator: &rng), Tanh()]
        case .rgb32, .rgb64:
            let widths = self == .rgb32 ? [256, 128, 64] : [512, 256, 128, 64]
            var layers: [any UnaryLayer] = [ConvTranspose2d(100, widths[0], kernelSize: 4, bias: false, generator: &rng),
                                            BatchNorm2d(widths[0]), ReLU()]
            for (a, b) in zip(widths, widths.dropFirst()) {
                layers += [ConvTranspose2d(a, b, kernelSize: 4, stride: 2, padding: 1, bias: false, generator: &rng), BatchNorm2d(b), ReLU()]
            }
            return layers + [ConvTranspose2d(widths.last!, 3, kernelSize: 4, stride: 2, padding: 1, bias: false, generator: &rng), Tanh()]
        }
    }

    /// With `minibatchStdDev`, that layer (one more channel) goes before the last convolution.
    /// Without `batchNorm` (a critic under a gradient penalty, as Gulrajani et al. prescribe:
    /// batch statistics tie each sample's output to the others', which the per-sample penalty
    /// assumes they are not) each batch norm is an `Identity`, so the other layers keep their
    /// names, and the convolution before it gets a bias.
    func discriminatorLayers(_ rng: inout RandomGenerator, minibatchStdDev: Bool = false, batchNorm: Bool = true) -> [any UnaryLayer] {
        let extra: [any UnaryLayer] = minibatchStdDev ? [MinibatchStdDev()] : []
        let plus = minibatchStdDev ? 1 : 0
        func norm(_ channels: Int) -> any UnaryLayer { batchNorm ? BatchNorm2d(channels) : Identity() }
        switch self {
        case .mnist28:
            return [Conv2d(1, 64, kernelSize: 4, stride: 2, padding: 1, generator: &rng), LeakyReLU(negativeSlope: 0.2),
                    Conv2d(64, 128, kernelSize: 4, stride: 2, padding: 1, bias: !batchNorm, generator: &rng), norm(128),
                    LeakyReLU(negativeSlope: 0.2)] + extra
                + [Conv2d(128 + plus, 1, kernelSize: 7, generator: &rng), Flatten()]
        case .rgb32, .rgb64:
            let widths = self == .rgb32 ? [64, 128, 256] : [64, 128, 256, 512]
            var layers: [any UnaryLayer] = [Conv2d(3, 64, kernelSize: 4, stride: 2, padding: 1, bias: false, generator: &rng),
                                            LeakyReLU(negativeSlope: 0.2)]
            for (a, b) in zip(widths, widths.dropFirst()) {
                layers += [Conv2d(a, b, kernelSize: 4, stride: 2, padding: 1, bias: !batchNorm, generator: &rng), norm(b),
                           LeakyReLU(negativeSlope: 0.2)]
            }
            return layers + extra + [Conv2d(widths.last! + plus, 1, kernelSize: 4, bias: false, generator: &rng), Flatten()]
        }
    }
}

/// A DCGAN generator: z [n, 100] → images [n, c, h, w] in [-1, 1].
public final class DCGANGenerator: Module, UnaryLayer {
    public let layout: DCGANLayout
    public let net: Sequential

    /// Builds the generator and applies the DCGAN initialization (see `DCGANInit`).
    public init(_ layout: DCGANLayout = .mnist28, generator rng: inout RandomGenerator) {
        self.layout = layout
        net = Sequential(layout.generatorLayers(&rng))
        super.init()
        DCGANInit.apply(to: self, generator: &rng)
    }

    public func callAsFunction(_ z: Tensor) -> Tensor {
        net(z.rank == 2 ? z.reshaped([z.shape[0], z.shape[1], 1, 1]) : z)
    }
}

/// A DCGAN discriminator: images [n, c, h, w] → logits [n, 1].
public final class DCGANDiscriminator: Module, UnaryLayer {
    public let layout: DCGANLayout
    public let net: Sequential

    public init(_ layout: DCGANLayout = .mnist28, minibatchStdDev: Bool = false, batchNorm: Bool = true,
                generator rng: inout RandomGenerator) {
        self.layout = layout
        net = Sequential(layout.discriminatorLayers(&rng, minibatchStdDev: minibatchStdDev, batchNorm: batchNorm))
        super.init()
        DCGANInit.apply(to: self, generator: &rng)
    }

    public func callAsFunction(_ x: Tensor) -> Tensor { net(x) }
}

/// The DCGAN initialization: convolution weights N(0, 0.02) and biases 0; batch-norm weights
/// N(1, 0.02) and biases 0.
public enum DCGANInit {
    public static func apply(to module: Module, generator rng: inout RandomGenerator) {
        for (_, child) in module.namedChildren() { apply(to: child, generator: &rng) }
        switch module {
        case let conv as Conv2d:
            Init.normal(conv.weight, std: 0.02, generator: &rng)
            if let b = conv.bias { Init.constant(b, 0) }
        case let conv as ConvTranspose2d:
            Init.normal(conv.weight, std: 0.02, generator: &rng)
            if let b = conv.bias { Init.constant(b, 0) }
        case let bn as BatchNorm:
            if let w = bn.weight { Init.normal(w, mean: 1, std: 0.02, generator: &rng) }
            if let b = bn.bias { Init.constant(b, 0) }
        default:
            break
        }
    }
}
