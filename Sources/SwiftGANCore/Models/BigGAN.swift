import SwiftGANEngine
import SwiftGANNN

/// BigGAN's generator residual block (`GBlock` of the peer zoo): conditional batch norm, ReLU,
/// nearest ×2 upsampling and a 3×3 convolution, twice over (upsampling only the first time),
/// plus a shortcut of the upsampled input through a 1×1 convolution. Every convolution and both
/// batch norms' projections are spectrally normalized. Keys `bn1`, `conv1`, `bn2`, `conv2`,
/// `conv_sc`. The upsampling is fused into the first convolution and moved after the shortcut's
/// (`Conv2d.ofUpsampled`): the same map in fewer multiply-adds.
///
/// ```swift
/// var rng = RandomGenerator(seed: 0)
/// let block = GBlock(128, 64, conditionDimension: 104, generator: &rng)
/// let h = block(x, c)   // x [n, 128, 14, 14], c [n, 104] → [n, 64, 28, 28]
/// ```
public final class GBlock: Module {
    public let bn1: ConditionalBatchNorm
    public let conv1: Conv2d
    public let bn2: ConditionalBatchNorm
    public let conv2: Conv2d
    /// The 1×1 shortcut convolution (`conv_sc`).
    public let shortcut: Conv2d

    public init(_ inChannels: Int, _ outChannels: Int, conditionDimension: Int, generator rng: inout RandomGenerator) {
        bn1 = ConditionalBatchNorm(inChannels, conditionDimension: conditionDimension, generator: &rng)
        conv1 = Conv2d(inChannels, outChannels, kernelSize: 3, padding: 1, generator: &rng)
        bn2 = ConditionalBatchNorm(outChannels, conditionDimension: conditionDimension, generator: &rng)
        conv2 = Conv2d(outChannels, outChannels, kernelSize: 3, padding: 1, generator: &rng)
        shortcut = Conv2d(inChannels, outChannels, kernelSize: 1, generator: &rng)
        super.init()
        for layer in [conv1, conv2, shortcut] { layer.applySpectralNorm(generator: &rng) }
    }

    override public func namedChildren() -> [(String, Module)] {
        [("bn1", bn1), ("conv1", conv1), ("bn2", bn2), ("conv2", conv2), ("conv_sc", shortcut)]
    }

    /// x [n, in, h, w] and the condition [n, dim] → [n, out, 2h, 2w].
    public func callAsFunction(_ x: Tensor, _ condition: Tensor) -> Tensor {
        var h = conv1.ofUpsampled(bn1(x, condition).relu())
        h = conv2(bn2(h, condition).relu())
        return h + shortcut.ofUpsampled(x)
    }
}

/// BigGAN's discriminator residual block (`DBlock` of the peer zoo): [ReLU], 3×3 convolution,
/// ReLU, 3×3 convolution, [2×2 average pooling], plus a shortcut that is the input itself, or a
/// 1×1 convolution (`conv_sc`) when the channels change or the block downsamples — applied
/// before the pooling in a preactivation block, after it in the first block, which sees the
/// image itself. Every convolution is spectrally normalized. The pooling is fused into the
/// second convolution and moved before the shortcut's (`Conv2d.avgPooled`).
///
/// ```swift
/// var rng = RandomGenerator(seed: 0)
/// let block = DBlock(64, 128, downsample: true, generator: &rng)
/// let h = block(x)   // [n, 64, 14, 14] → [n, 128, 7, 7]
/// ```
public final class DBlock: Module, UnaryLayer {
    public let conv1: Conv2d
    public let conv2: Conv2d
    /// The 1×1 shortcut convolution (`conv_sc`), when the shortcut is learned.
    public let shortcut: Conv2d?
    public let downsample: Bool
    public let preactivation: Bool

    public init(_ inChannels: Int, _ outChannels: Int, downsample: Bool, preactivation: Bool = true, generator rng: inout RandomGenerator) {
        conv1 = Conv2d(inChannels, outChannels, kernelSize: 3, padding: 1, generator: &rng)
        conv2 = Conv2d(outChannels, outChannels, kernelSize: 3, padding: 1, generator: &rng)
        shortcut = inChannels != outChannels || downsample ? Conv2d(inChannels, outChannels, kernelSize: 1, generator: &rng) : nil
        self.downsample = downsample
        self.preactivation = preactivation
        super.init()
        for layer in [conv1, conv2] + (shortcut.map { [$0] } ?? []) { layer.applySpectralNorm(generator: &rng) }
    }

    override public func namedChildren() -> [(String, Module)] {
        [("conv1", conv1), ("conv2", conv2)] + (shortcut.map { [("conv_sc", $0 as Module)] } ?? [])
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        let h1 = conv1(preactivation ? x.relu() : x).relu()
        let h = downsample ? conv2.avgPooled(h1) : conv2(h1)
        guard let shortcut else { return h + x }
        // A 1×1 convolution commutes with the pooling, so both orders are `avgPooled`.
        return h + (downsample ? shortcut.avgPooled(x) : shortcut(x))
    }
}

/// BigGAN-lite's generator (`BigGANGenerator` of the peer zoo, keys `shared`, `linear`,
/// `block1`, `attention`, `block2`, `out_bn`, `out_conv`, so PyTorch's state dicts load as they
/// are): z [n, 120] is split into three chunks of 40 (hierarchical latents); the first goes
/// through a linear layer to [n, 128, 7, 7], the others, each joined to the shared class
/// embedding (64, not spectrally normalized), condition the two residual blocks' batch norms
/// (7 → 14 → 28, with self-attention at 14×14); then batch norm, ReLU, a 3×3 convolution to one
/// channel and tanh. Every other layer is spectrally normalized; layers keep PyTorch's default
/// initialization and the attention's γ starts at 0, as the reference does.
///
/// ```swift
/// var rng = RandomGenerator(seed: 0)
/// let g = BigGANGenerator(generator: &rng)
/// let images = g(rng.normal([4, 120]), [0, 1, 2, 3])   // [4, 1, 28, 28]
/// ```
public final class BigGANGenerator: Module {
    public static let latentDimension = 120
    public static let latentChunk = 40
    public static let embeddingDimension = 64
    public static let imageShape = [1, 28, 28]
    /// The shared class embedding [classes, 64].
    public let shared: Embedding
    public let linear: Linear
    public let block1: GBlock
    public let attention: SelfAttention
    public let block2: GBlock
    /// The output batch norm (`out_bn`, with weight and bias).
    public let outputNorm: BatchNorm
    /// The output convolution (`out_conv`).
    public let outputConv: Conv2d

    public init(classes: Int = 10, generator rng: inout RandomGenerator) {
        let condition = Self.embeddingDimension + Self.latentChunk
        shared = Embedding(classes, Self.embeddingDimension, generator: &rng)
        linear = Linear(Self.latentChunk, 128 * 7 * 7, generator: &rng)
        linear.applySpectralNorm(generator: &rng)
        block1 = GBlock(128, 128, conditionDimension: condition, generator: &rng)
        attention = SelfAttention(128, generator: &rng)
        block2 = GBlock(128, 64, conditionDimension: condition, generator: &rng)
        outputNorm = BatchNorm2d(64)
        outputConv = Conv2d(64, 1, kernelSize: 3, padding: 1, generator: &rng)
        outputConv.applySpectralNorm(generator: &rng)
        super.init()
    }

    override public func namedChildren() -> [(String, Module)] {
        [("shared", shared), ("linear", linear), ("block1", block1), ("attention", attention), ("block2", block2),
         ("out_bn", outputNorm), ("out_conv", outputConv)]
    }

    public var classCount: Int { shared.weight.shape[0] }

    /// z [n, 120] and n class indices → images [n, 1, 28, 28] in [-1, 1].
    public func callAsFunction(_ z: Tensor, _ labels: [Int]) -> Tensor {
        precondition(z.rank == 2 && z.shape[1] == Self.latentDimension && labels.count == z.shape[0],
                     "BigGAN's generator takes z [n, \(Self.latentDimension)] and n labels, got \(z.shape) and \(labels.count)")
        let chunk = Self.latentChunk
        let e = shared.lookup(labels)
        var h = linear(z.slice(axis: 1, 0..<chunk)).reshaped([z.shape[0], 128, 7, 7])
        h = block1(h, Tensor.concat([e, z.slice(axis: 1, chunk..<(2 * chunk))], axis: 1))
        h = attention(h)
        h = block2(h, Tensor.concat([e, z.slice(axis: 1, (2 * chunk)..<(3 * chunk))], axis: 1))
        return outputConv(outputNorm(h).relu()).tanh()
    }
}

/// BigGAN-lite's projection discriminator (`BigGANDiscriminator` of the peer zoo, keys
/// `block1`, `attention`, `block2`, `block3`, `linear`, `embed`): residual blocks 28 → 14
/// (self-attention with 64 channels at 14×14) → 7 → 7, features h = Σ over positions of
/// ReLU(h) [n, 128], and out = linear(h) + ⟨embed(y), h⟩. Spectral norm on every layer,
/// the class embedding included.
///
/// ```swift
/// var rng = RandomGenerator(seed: 0)
/// let d = BigGANDiscriminator(generator: &rng)
/// let logits = d(images, [0, 1, 2, 3])   // [4, 1, 28, 28] → [4, 1]
/// ```
public final class BigGANDiscriminator: Module, ConditionalDiscriminator {
    public let block1: DBlock
    public let attention: SelfAttention
    public let block2: DBlock
    public let block3: DBlock
    public let linear: Linear
    public let embed: Embedding

    public init(classes: Int = 10, generator rng: inout RandomGenerator) {
        block1 = DBlock(1, 64, downsample: true, preactivation: false, generator: &rng)
        attention = SelfAttention(64, generator: &rng)
        block2 = DBlock(64, 128, downsample: true, generator: &rng)
        block3 = DBlock(128, 128, downsample: false, generator: &rng)
        linear = Linear(128, 1, generator: &rng)
        embed = Embedding(classes, 128, generator: &rng)
        super.init()
        applySpectralNormToAllLayers(generator: &rng)
    }

    public func callAsFunction(_ x: Tensor, _ labels: [Int]) -> Tensor {
        let h = block3(block2(attention(block1(x)))).relu().sum(axes: [2, 3])
        return linear(h) + (embed.lookup(labels) * h).sum(axis: 1, keepDims: true)
    }
}

extension BigGANGenerator: ConditionalGenerator {}
