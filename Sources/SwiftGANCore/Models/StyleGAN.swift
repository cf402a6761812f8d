import SwiftGANEngine
import SwiftGANNN

/// Where a synthesis pass takes its per-pixel noise from (`--noise`).
public enum NoiseMode: String, CaseIterable, Codable, Sendable {
    /// Each layer's stored `noise_const` image: a seed always gives the same image.
    case constant = "const"
    /// Fresh N(0, 1) noise per sample and layer (training uses this).
    case random
    /// No noise.
    case disabled = "none"
}

/// The noise of one synthesis pass: the mode, and the stream random noise is drawn from.
public struct SynthesisNoise {
    public var mode: NoiseMode
    public var generator: RandomGenerator

    public init(_ mode: NoiseMode, generator: RandomGenerator = RandomGenerator(seed: 0)) {
        self.mode = mode
        self.generator = generator
    }

    /// The noise for `layer` on a batch of `n` images of `size`×`size`, or nil for none.
    mutating func draw(for layer: ModulatedConv2d, batch n: Int, size: Int) -> Tensor? {
        guard let constant = layer.noiseConstant else { return nil }
        switch mode {
        case .constant: return constant
        case .random: return generator.normal([n, 1, size, size])
        case .disabled: return nil
        }
    }
}

/// StyleGAN2's mapping network (the peer zoo's `MappingNetwork`): z normalized to unit second
/// moment, then four equalized dense layers with leaky ReLU and learning-rate multiplier 0.01,
/// giving w. In training mode each call moves the buffer `w_avg` towards the batch's mean w
/// (β = 0.995); truncation ψ pulls w towards it: w_avg + ψ·(w - w_avg). Keys `fc0` … `fc3`, `w_avg`.
public final class MappingNetwork: Module {
    public let layers: [EqualizedLinear]
    /// The running average of w (`w_avg`), the centre of truncation.
    public let wAverage: Tensor
    public let wAverageBeta: Float = 0.995

    public init(latentDimension: Int, styleDimension: Int, layerCount: Int = 4, learningRateMultiplier: Float = 0.01,
                generator rng: inout RandomGenerator) {
        layers = (0..<layerCount).map { i in
            EqualizedLinear(i == 0 ? latentDimension : styleDimension, styleDimension, learningRateMultiplier: learningRateMultiplier,
                            activation: .leakyReLU, generator: &rng)
        }
        wAverage = Tensor.zeros([styleDimension])
        super.init()
    }

    override public func namedChildren() -> [(String, Module)] { layers.enumerated().map { ("fc\($0.offset)", $0.element) } }
    override public func ownBuffers() -> [(String, Tensor)] { [("w_avg", wAverage)] }

    /// z [n, zdim] → w [n, wdim]; `updatingAverage` false leaves `w_avg` alone in training
    /// mode too (style mixing's second latent).
    public func callAsFunction(_ z: Tensor, truncation psi: Float = 1, updatingAverage: Bool = true) -> Tensor {
        var x = z * ((z * z).mean(axis: 1, keepDims: true) + 1e-8).pow(-0.5)
        for layer in layers { x = layer(x) }
        if training && updatingAverage {
            withNoGrad {
                let mean = x.detached().mean(axis: 0)
                wAverage.assign(Self.lerp(mean, wAverage, wAverageBeta))
            }
        }
        return psi == 1 ? x : Self.lerp(wAverage, x, psi)
    }

    /// a + t·(b - a), computed as `torch.lerp` does (from b's side when t ≥ ½).
    static func lerp(_ a: Tensor, _ b: Tensor, _ t: Float) -> Tensor {
        t < 0.5 ? a + (b - a) * t : b - (b - a) * (1 - t)
    }
}

/// One resolution of StyleGAN2's synthesis network (the peer zoo's `SynthesisBlock`): [conv0,
/// upsampling 2×] and conv1, both modulated, with noise; toRGB (1×1, not demodulated) of the
/// features is added to the upsampled image so far (the skip architecture). Keys `conv0`,
/// `conv1`, `torgb`.
public final class SynthesisBlock: Module {
    public let conv0: ModulatedConv2d?
    public let conv1: ModulatedConv2d
    public let toRGB: ModulatedConv2d
    public let resolution: Int

    /// `inChannels` 0 makes the first block, whose input is the learned constant.
    public init(_ inChannels: Int, _ outChannels: Int, styleDimension: Int, resolution: Int, imageChannels: Int,
                generator rng: inout RandomGenerator) {
        conv0 = inChannels == 0 ? nil
            : ModulatedConv2d(inChannels, outChannels, kernelSize: 3, styleDimension: styleDimension, upsample: true,
                              noiseResolution: resolution, generator: &rng)
        conv1 = ModulatedConv2d(outChannels, outChannels, kernelSize: 3, styleDimension: styleDimension,
                                noiseResolution: resolution, generator: &rng)
        toRGB = ModulatedConv2d(outChannels, imageChannels, kernelSize: 1, styleDimension: styleDimension, demodulate: false,
                                activation: .linear, generator: &rng)
        self.resolution = resolution
        super.init()
    }

    override public func namedChildren() -> [(String, Module)] {
        (conv0.map { [("conv0", $0 as Module)] } ?? []) + [("conv1", conv1), ("torgb", toRGB)]
    }

    /// How many per-layer w the block's convolutions use (its toRGB shares the next block's first).
    public var convolutionCount: Int { conv0 == nil ? 1 : 2 }

    /// Features x and the image so far (nil in the first block), with the block's w: one per
    /// convolution and one for toRGB.
    public func callAsFunction(_ x: Tensor, image: Tensor?, styles ws: ArraySlice<Tensor>,
                               noise: inout SynthesisNoise) -> (features: Tensor, image: Tensor) {
        var h = x, i = ws.startIndex
        let n = ws[i].shape[0]
        if let conv0 {
            h = conv0(h, ws[i], noise: noise.draw(for: conv0, batch: n, size: resolution))
            i += 1
        }
        h = conv1(h, ws[i], noise: noise.draw(for: conv1, batch: n, size: resolution))
        let rgb = toRGB(h, ws[i + 1])
        guard let image else { return (h, rgb) }
        return (h, image.upsample(scale: (2, 2), mode: .bilinear) + rgb)
    }
}

/// StyleGAN2's synthesis network (the peer zoo's `SynthesisNetwork`): a learned 4×4 constant
/// (`const`, 128 channels) through blocks b4, b8, b16, b32 (128, 128, 64, 32 channels).
public final class SynthesisNetwork: Module {
    public let constant: Tensor
    public let blocks: [SynthesisBlock]

    public init(styleDimension: Int, imageChannels: Int, generator rng: inout RandomGenerator) {
        constant = Tensor.zeros([128, 4, 4], requiresGrad: true)
        Init.normal(constant, generator: &rng)
        let widths = [(0, 128, 4), (128, 128, 8), (128, 64, 16), (64, 32, 32)]
        blocks = widths.map { SynthesisBlock($0.0, $0.1, styleDimension: styleDimension, resolution: $0.2,
                                             imageChannels: imageChannels, generator: &rng) }
        super.init()
    }

    override public func ownParameters() -> [(String, Tensor)] { [("const", constant)] }
    override public func namedChildren() -> [(String, Module)] { blocks.map { ("b\($0.resolution)", $0) } }

    /// The number of per-layer w (StyleGAN's `num_ws`): one per convolution and one for the last toRGB.
    public var styleCount: Int { blocks.reduce(1) { $0 + $1.convolutionCount } }

    /// Per-layer w (`styleCount` tensors [n, wdim]) → images [n, C, 32, 32].
    public func callAsFunction(_ ws: [Tensor], noise: inout SynthesisNoise) -> Tensor {
        precondition(ws.count == styleCount, "synthesis takes \(styleCount) per-layer w, got \(ws.count)")
        // The constant enters as one image the first modulation broadcasts over the batch.
        var x = constant.reshaped([1] + constant.shape)
        var image: Tensor? = nil
        var start = 0
        for block in blocks {
            (x, image) = block(x, image: image, styles: ws[start...], noise: &noise)
            start += block.convolutionCount
        }
        return image!
    }
}

/// StyleGAN2-lite's generator (`--model stylegan`), exactly the peer zoo's `StyleGenerator`, so
/// PyTorch's state dicts load as they are: z [n, 128] → mapping → w [n, 128] → synthesis →
/// images [n, C, 32, 32] (a linear output, not squashed; evaluation clamps it to [-1, 1]).
///
/// `truncation` (ψ) and `noise` are the sampling settings used by `callAsFunction(_:)` and
/// `generate`; training passes its own.
///
/// ```swift
/// var rng = RandomGenerator(seed: 0)
/// let g = StyleGANGenerator(generator: &rng)
/// g.truncation = 0.7
/// let images = withNoGrad { g(rng.normal([4, 128])) }   // [4, 1, 32, 32]
/// ```
public final class StyleGANGenerator: Module, UnaryLayer {
    public static let latentDimension = 128
    public static let styleDimension = 128
    public static let resolution = 32
    public let mapping: MappingNetwork
    public let synthesis: SynthesisNetwork
    public let imageChannels: Int
    /// Truncation ψ for sampling (1: none).
    public var truncation: Float = 1
    /// Noise for sampling, and the stream of `.random` noise.
    public var noise = SynthesisNoise(.constant)

    public init(imageChannels: Int = 1, generator rng: inout RandomGenerator) {
        mapping = MappingNetwork(latentDimension: Self.latentDimension, styleDimension: Self.styleDimension, generator: &rng)
        synthesis = SynthesisNetwork(styleDimension: Self.styleDimension, imageChannels: imageChannels, generator: &rng)
        self.imageChannels = imageChannels
        super.init()
    }

    public var imageShape: [Int] { [imageChannels, Self.resolution, Self.resolution] }

    /// Images for z with the sampling settings.
    public func callAsFunction(_ z: Tensor) -> Tensor { self(z, truncation: truncation, noise: &noise) }

    /// Images for z: one w for every layer, as at inference.
    public func callAsFunction(_ z: Tensor, truncation psi: Float, noise: inout SynthesisNoise) -> Tensor {
        synthesize(mapping(z, truncation: psi), noise: &noise)
    }

    /// Images for one w [n, wdim] used by every layer.
    public func synthesize(_ w: Tensor, noise: inout SynthesisNoise) -> Tensor {
        synthesis(Array(repeating: w, count: synthesis.styleCount), noise: &noise)
    }
}

/// A generator with StyleGAN's sampling controls, which `sample`, `eval`, the latent tools and
/// `export` set: truncation ψ towards the average w, and where its noise comes from.
public protocol StyleBasedGenerator: SampleableGenerator {
    /// Truncation ψ (1: none).
    var truncation: Float { get set }
    var noise: SynthesisNoise { get set }
    /// The number of per-layer w the synthesis takes, coarsest first.
    var styleCount: Int { get }
    /// Style mixing: images whose layers 0..<`cutoff` take w from `coarse` and the rest from
    /// `fine` (w [n, wdim] each, rows paired).
    func mixing(coarse: Tensor, fine: Tensor, cutoff: Int) -> Tensor
}

extension StyleGANGenerator: StyleBasedGenerator {
    public var styleCount: Int { synthesis.styleCount }

    public func mixing(coarse: Tensor, fine: Tensor, cutoff: Int) -> Tensor {
        precondition((0...styleCount).contains(cutoff) && coarse.shape == fine.shape, "style mixing: cutoff \(cutoff) of \(styleCount) layers")
        return synthesis(Array(repeating: coarse, count: cutoff) + Array(repeating: fine, count: styleCount - cutoff), noise: &noise)
    }
}
