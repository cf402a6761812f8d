import SwiftGANEngine

/// A lookup table like `torch.nn.Embedding`: weight [count, dim] initialized N(0, 1).
///
/// ```swift
/// let labels = Embedding(10, 50)
/// let e = labels.lookup([3, 1, 4])   // [3, 50]
/// ```
public final class Embedding: Module {
    public let weight: Tensor

    public init(_ count: Int, _ dimension: Int, generator: inout RandomGenerator) {
        weight = Tensor.zeros([count, dimension], requiresGrad: true)
        super.init()
        Init.normal(weight, generator: &generator)
    }

    public convenience init(_ count: Int, _ dimension: Int) {
        self.init(count, dimension, generator: &RandomGenerator.shared)
    }

    /// The rows for `indices`.
    public func lookup(_ indices: [Int]) -> Tensor { weight.embeddingLookup(indices) }
}

/// Randomly zeroes elements in training mode, like `torch.nn.Dropout`; identity in evaluation.
public final class Dropout: Module, UnaryLayer {
    public let p: Float
    public private(set) var generator: RandomGenerator

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
