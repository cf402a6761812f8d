import SwiftGANEngine
import SwiftGANNN

/// Where a progressive GAN is in its growth: the active resolution level (0: 4×4 … 3: 32×32)
/// and how far the newest level has faded in (1: fully). Both networks keep it as buffers
/// (`level`, `alpha`), so weights saved mid-growth sample as the run's panel showed.
public struct GrowthStage: Equatable, Sendable {
    public var level: Int
    public var alpha: Float

    public init(level: Int, alpha: Float) {
        self.level = level
        self.alpha = alpha
    }

    /// The stage after `images` training images, growing every `fadeImages`: level 0 for that
    /// many images, then for each next level a fade-in of `fadeImages` (α from 0 to 1) and as
    /// many images at α 1, up to `maximumLevel`.
    public static func after(images: Int, fadeImages: Int, maximumLevel: Int) -> GrowthStage {
        let phase = images / fadeImages
        let level = min(maximumLevel, (phase + 1) / 2)
        guard phase % 2 == 1, level == (phase + 1) / 2 else { return GrowthStage(level: level, alpha: 1) }
        return GrowthStage(level: level, alpha: Float(images - phase * fadeImages) / Float(fadeImages))
    }

    /// The side of the active resolution.
    public var side: Int { 4 << level }
    public var isFading: Bool { level > 0 && alpha < 1 }
}

/// The stage buffers both progressive networks hold.
final class GrowthBuffers {
    let level = Tensor(scalar: 0), alpha = Tensor(scalar: 1)

    var stage: GrowthStage {
        get { GrowthStage(level: Int(level.item), alpha: alpha.item) }
        set {
            level.assign(Tensor(scalar: Float(newValue.level)))
            alpha.assign(Tensor(scalar: newValue.alpha))
        }
    }

    var named: [(String, Tensor)] { [("level", level), ("alpha", alpha)] }
}

extension Tensor {
    /// ProGAN's pixelwise feature normalization: each position's feature vector scaled to unit
    /// second moment over the channels (axis 1).
    public func pixelNormalized() -> Tensor { self * ((self * self).mean(axis: 1, keepDims: true) + 1e-8).pow(-0.5) }

    /// `a` + `t`·(self - a): the fade from the old path `a` to the new one.
    func fadedIn(over a: Tensor, alpha t: Float) -> Tensor { t >= 1 ? self : a + (self - a) * t }
}

/// A ProGAN-style generator for 32×32 images (`--model progan`), grown 4 → 8 → 16 → 32: z
/// [n, 128] normalized, a dense layer to a 4×4×128 map and a 3×3 convolution, then per level a
/// nearest 2× upsampling and two 3×3 convolutions (128, 64, 32 channels), every layer with
/// equalized learning rate, leaky ReLU and pixel normalization; a 1×1 toRGB per level. While a
/// level fades in, the image is the previous level's toRGB upsampled, blended towards the new
/// level's by α. The output is always [n, C, 32, 32] (earlier levels upsampled by nearest
/// neighbour) and linear.
public final class ProgressiveGenerator: Module, UnaryLayer {
    public static let latentDimension = 128
    public static let widths = [128, 128, 64, 32]
    public let input: EqualizedLinear
    public let conv: EqualizedConv2d
    /// Per level above 4×4: its two convolutions.
    public let blocks: [[EqualizedConv2d]]
    public let toRGB: [EqualizedConv2d]
    public let imageChannels: Int
    let growth = GrowthBuffers()

    public init(imageChannels: Int = 1, generator rng: inout RandomGenerator) {
        let w = Self.widths
        input = EqualizedLinear(Self.latentDimension, w[0] * 16, activation: .leakyReLU, generator: &rng)
        conv = EqualizedConv2d(w[0], w[0], kernelSize: 3, generator: &rng)
        blocks = (1..<w.count).map { i in
            [EqualizedConv2d(w[i - 1], w[i], kernelSize: 3, generator: &rng), EqualizedConv2d(w[i], w[i], kernelSize: 3, generator: &rng)]
        }
        toRGB = w.map { EqualizedConv2d($0, imageChannels, kernelSize: 1, activation: .linear, generator: &rng) }
        self.imageChannels = imageChannels
        super.init()
    }

    override public func namedChildren() -> [(String, Module)] {
        [("input", input as Module), ("conv", conv)]
            + blocks.enumerated().flatMap { i, b in b.enumerated().map { ("b\(8 << i).conv\($0.offset)", $0.element as Module) } }
            + toRGB.enumerated().map { ("torgb\(4 << $0.offset)", $0.element as Module) }
    }

    override public func ownBuffers() -> [(String, Tensor)] { growth.named }

    public var stage: GrowthStage {
        get { growth.stage }
        set { growth.stage = newValue }
    }

    public var maximumLevel: Int { blocks.count }
    public var imageShape: [Int] { [imageChannels, 32, 32] }

    public func callAsFunction(_ z: Tensor) -> Tensor {
        let stage = self.stage, n = z.shape[0]
        var h = input(z.pixelNormalized()).reshaped([n, Self.widths[0], 4, 4]).pixelNormalized()
        h = conv(h).pixelNormalized()
        var previous: Tensor? = nil
        for level in 1...max(1, stage.level) where level <= stage.level {
            if level == stage.level && stage.isFading { previous = toRGB[level - 1](h).upsample(scale: (2, 2)) }
            h = h.upsample(scale: (2, 2))
            for layer in blocks[level - 1] { h = layer(h).pixelNormalized() }
        }
        var image = toRGB[stage.level](h)
        if let previous { image = image.fadedIn(over: previous, alpha: stage.alpha) }
        let scale = Float(32 / stage.side)
        return scale == 1 ? image : image.upsample(scale: (scale, scale))
    }
}

/// The discriminator grown with `ProgressiveGenerator`: images [n, C, 32, 32] are average-pooled
/// to the active side, read by that level's 1×1 fromRGB, and go down through two 3×3
/// convolutions and a 2× average pooling per level (32, 64, 128 channels) to StyleGAN2's 4×4
/// epilogue (minibatch standard deviation in groups of 4, a convolution, two dense layers).
/// While a level fades in, the features after its block are blended from the pooled image read
/// by the previous level's fromRGB.
public final class ProgressiveDiscriminator: Module, UnaryLayer {
    public let fromRGB: [EqualizedConv2d]
    /// Per level above 4×4, from its side down to half of it.
    public let blocks: [[EqualizedConv2d]]
    public let epilogue: StyleDiscriminatorEpilogue
    let growth = GrowthBuffers()

    public init(imageChannels: Int = 1, generator rng: inout RandomGenerator) {
        let w = [128, 128, 64, 32]   // channels at 4, 8, 16, 32
        fromRGB = w.map { EqualizedConv2d(imageChannels, $0, kernelSize: 1, generator: &rng) }
        blocks = (1..<w.count).map { i in
            [EqualizedConv2d(w[i], w[i], kernelSize: 3, generator: &rng),
             EqualizedConv2d(w[i], w[i - 1], kernelSize: 3, downsample: true, generator: &rng)]
        }
        epilogue = StyleDiscriminatorEpilogue(channels: w[0], generator: &rng)
        super.init()
    }

    override public func namedChildren() -> [(String, Module)] {
        fromRGB.enumerated().map { ("fromrgb\(4 << $0.offset)", $0.element as Module) }
            + blocks.enumerated().flatMap { i, b in b.enumerated().map { ("b\(8 << i).conv\($0.offset)", $0.element as Module) } }
            + [("b4", epilogue)]
    }

    override public func ownBuffers() -> [(String, Tensor)] { growth.named }

    public var stage: GrowthStage {
        get { growth.stage }
        set { growth.stage = newValue }
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        let stage = self.stage
        let factor = 32 / stage.side
        let image = factor == 1 ? x : x.avgPool2d(kernel: (factor, factor))
        var h = fromRGB[stage.level](image)
        for level in stride(from: stage.level, to: 0, by: -1) {
            for layer in blocks[level - 1] { h = layer(h) }
            if level == stage.level && stage.isFading {
                h = h.fadedIn(over: fromRGB[level - 1](image.avgPool2d(kernel: (2, 2))), alpha: stage.alpha)
            }
        }
        return epilogue(h)
    }
}
