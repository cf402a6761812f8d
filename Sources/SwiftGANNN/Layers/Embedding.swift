import SwiftGANEngine

/// A lookup table like `torch.nn.Embedding`: weight [count, dim] initialized N(0, 1).
/// Spectral normalization treats the table as the matrix W [count, dim], as
/// `torch.nn.utils.spectral_norm(nn.Embedding(...))` does (the projection discriminator's class
/// embedding).
///
/// ```swift
/// let labels = Embedding(10, 50)
/// let e = labels.lookup([3, 1, 4])   // [3, 50]
/// ```
public final class Embedding: Module, SpectrallyNormalizable {
    public let weight: Tensor
    /// Spectral normalization, when applied (`applySpectralNorm`).
    public var spectralNorm: SpectralNormState?

    public init(_ count: Int, _ dimension: Int, generator: inout RandomGenerator) {
        weight = Tensor.zeros([count, dimension], requiresGrad: true)
        super.init()
        Init.normal(weight, generator: &generator)
    }

    public convenience init(_ count: Int, _ dimension: Int) {
        self.init(count, dimension, generator: &RandomGenerator.shared)
    }

    override public func ownParameters() -> [(String, Tensor)] {
        spectralNorm == nil ? super.ownParameters() : spectralParameters(bias: nil)
    }

    override public func ownBuffers() -> [(String, Tensor)] {
        spectralNorm.map { [("weight_u", $0.u), ("weight_v", $0.v)] } ?? []
    }

    /// The rows for `indices` (of the normalized table when spectral norm is on; a training-mode
    /// lookup then runs one power iteration, as any spectrally normalized layer's forward does).
    public func lookup(_ indices: [Int]) -> Tensor { effectiveWeight().embeddingLookup(indices) }
}

/// Randomly zeroes elements in training mode, like `torch.nn.Dropout`; identity in evaluation.
public final class Dropout: Module, UnaryLayer {
    public let p: Float
    /// The stream masks are drawn from (a recipe checkpoints it, so a resumed run draws the
    /// masks the uninterrupted one would have).
    public var generator: RandomGenerator

    public init(_ p: Float = 0.5, seed: UInt64 = 0) {
        precondition(p >= 0 && p < 1, "dropout probability must be in [0, 1), got \(p)")
        self.p = p
        generator = RandomGenerator(seed: seed)
        super.init()
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        training ? x.dropout(p, generator: &generator) : x
    }
}
