import SwiftGANEngine

/// Minibatch standard deviation (Karras et al., ProGAN): appends one feature, the mean over
/// features of the standard deviation across the batch, so D can see a batch's lack of variety.
/// [n, f] → [n, f + 1]; [n, c, h, w] → [n, c + 1, h, w].
public final class MinibatchStdDev: Module, UnaryLayer {
    public let eps: Float
    public init(eps: Float = 1e-8) {
        self.eps = eps
        super.init()
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        let centered = x - x.mean(axis: 0, keepDims: true)
        let std = ((centered * centered).mean(axis: 0) + eps).sqrt()
        var shape = x.shape
        shape[1] = 1
        let statistic = std.mean().reshaped([Int](repeating: 1, count: x.rank)).broadcast(to: shape)
        return Tensor.concat([x, statistic], axis: 1)
    }
}

/// Minibatch discrimination (Salimans et al.): features x [n, a] are projected by a learned
/// tensor T to n×b×c, and each sample gets b features Σ_j exp(-‖M_i,k - M_j,k‖₁) over the other
/// samples j. Output [n, a + b].
public final class MinibatchDiscrimination: Module, UnaryLayer {
    public let weight: Tensor
    public let kernels: Int, kernelDimension: Int

    public init(_ inFeatures: Int, kernels: Int = 16, kernelDimension: Int = 5, generator: inout RandomGenerator) {
        weight = Tensor.zeros([inFeatures, kernels * kernelDimension], requiresGrad: true)
        self.kernels = kernels
        self.kernelDimension = kernelDimension
        super.init()
        Init.normal(weight, std: 0.1, generator: &generator)
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        let n = x.shape[0]
        let m = x.matmul(weight).reshaped([n, 1, kernels, kernelDimension])
        let distances = (m - m.reshaped([1, n, kernels, kernelDimension])).abs().sum(axis: 3)   // [n, n, b]
        let similarity = (-distances).exp().sum(axis: 1) - 1                                      // minus self
        return Tensor.concat([x, similarity], axis: 1)
    }
}
