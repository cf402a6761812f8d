import SwiftGANEngine

/// A dense layer y = x·Wᵀ + b, like `torch.nn.Linear`: weight [out, in], bias [out], both
/// initialized as PyTorch does (Kaiming-uniform with a = √5, which is U(±1/√in)).
///
/// ```swift
/// let layer = Linear(784, 512)
/// let y = layer(x)   // x: [batch, 784] → y: [batch, 512]
/// ```
public final class Linear: Module, UnaryLayer, SpectrallyNormalizable {
    public let weight: Tensor
    public let bias: Tensor?
    /// Spectral normalization, when applied (`applySpectralNorm`).
    public var spectralNorm: SpectralNormState?

    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true, generator: inout RandomGenerator) {
        weight = Tensor.zeros([outFeatures, inFeatures], requiresGrad: true)
        self.bias = bias ? Tensor.zeros([outFeatures], requiresGrad: true) : nil
        super.init()
        Init.kaimingUniform(weight, a: Float(5).squareRoot(), generator: &generator)
        if let b = self.bias {
            let bound = inFeatures > 0 ? 1 / Float(inFeatures).squareRoot() : 0
            Init.uniform(b, low: -bound, high: bound, generator: &generator)
        }
    }

    /// A layer initialized from the shared generator (`RandomGenerator.shared`).
    public convenience init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true) {
        self.init(inFeatures, outFeatures, bias: bias, generator: &RandomGenerator.shared)
    }

    override public func ownParameters() -> [(String, Tensor)] {
        spectralNorm == nil ? super.ownParameters() : spectralParameters(bias: bias)
    }

    override public func ownBuffers() -> [(String, Tensor)] {
        spectralNorm.map { [("weight_u", $0.u), ("weight_v", $0.v)] } ?? []
    }

    public func callAsFunction(_ x: Tensor) -> Tensor { Tensor.linear(x, weight: effectiveWeight(), bias: bias) }
}
