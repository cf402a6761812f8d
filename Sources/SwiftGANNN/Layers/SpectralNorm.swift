import SwiftGANEngine

/// The state of spectral normalization (Miyato et al.) on a layer's weight, as
/// `torch.nn.utils.spectral_norm` keeps it: the raw weight is saved as `weight_orig`, the power
/// iteration's vectors as the buffers `weight_u` [out] and `weight_v` [in·kh·kw].
///
/// Each training-mode forward runs one power iteration (no gradient through u and v), then
/// divides the weight by σ = uᵀ W v, through which gradients do flow; evaluation mode uses the
/// stored vectors as they are.
public final class SpectralNormState {
    public let u: Tensor
    public let v: Tensor
    public let powerIterations: Int
    public let eps: Float

    init(weight: Tensor, powerIterations: Int = 1, eps: Float = 1e-12, generator: inout RandomGenerator) {
        let rows = weight.shape[0], columns = weight.count / rows
        self.powerIterations = powerIterations
        self.eps = eps
        u = Self.normalized(generator.normal([rows]), eps: eps)
        v = Self.normalized(generator.normal([columns]), eps: eps)
    }

    static func normalized(_ x: Tensor, eps: Float) -> Tensor {
        x / max(x.pow(2).sum().sqrt().item, eps)
    }

    /// The normalized weight W / σ(W).
    func normalizedWeight(_ weight: Tensor, training: Bool) -> Tensor {
        let matrix = weight.reshaped([weight.shape[0], -1])
        if training {
            withNoGrad {
                for _ in 0..<powerIterations {
                    v.assign(Self.normalized(matrix.matmul(u.reshaped([-1, 1]), transposeSelf: true).reshaped([-1]), eps: eps))
                    u.assign(Self.normalized(matrix.matmul(v.reshaped([-1, 1])).reshaped([-1]), eps: eps))
                }
            }
        }
        // σ's graph keeps copies of u and v: a later training forward (D on real, then on fake, in
        // one loss) iterates the stored vectors in place, and this forward's gradient must still
        // see the vectors it used, as PyTorch's clones do.
        let (usedU, usedV) = training ? (u.copy(), v.copy()) : (u, v)
        let sigma = (usedU.reshaped([1, -1]).matmul(matrix.matmul(usedV.reshaped([-1, 1])))).reshaped([])
        return weight / sigma
    }
}

/// Layers whose weight can be spectrally normalized.
public protocol SpectrallyNormalizable: Module {
    var weight: Tensor { get }
    var spectralNorm: SpectralNormState? { get set }
}

extension SpectrallyNormalizable {
    /// Turns on spectral normalization for this layer, like `torch.nn.utils.spectral_norm(layer)`.
    public func applySpectralNorm(powerIterations: Int = 1, generator: inout RandomGenerator) {
        spectralNorm = SpectralNormState(weight: weight, powerIterations: powerIterations, generator: &generator)
    }

    /// The weight the layer computes with: normalized when spectral norm is on.
    func effectiveWeight() -> Tensor {
        spectralNorm?.normalizedWeight(weight, training: training) ?? weight
    }

    /// Parameter names as PyTorch gives them once spectral norm is applied.
    func spectralParameters(bias: Tensor?) -> [(String, Tensor)] {
        [("weight_orig", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }
}

extension Module {
    /// Applies spectral normalization to every Linear, Conv2d and Embedding layer in this module, as
    /// SN-GAN does for its discriminator.
    public func applySpectralNormToAllLayers(generator: inout RandomGenerator) {
        for (_, child) in namedChildren() { child.applySpectralNormToAllLayers(generator: &generator) }
        if let layer = self as? any SpectrallyNormalizable, layer.spectralNorm == nil {
            layer.applySpectralNorm(generator: &generator)
        }
    }
}
