import SwiftGANEngine

/// Minibatch standard deviation (Karras et al., ProGAN): appends one feature, the mean over
/// features of the standard deviation across a group of samples, so D can see a batch's lack of
/// variety. [n, f] → [n, f + 1]; [n, c, h, w] → [n, c + 1, h, w].
///
/// Without `groupSize` the group is the whole batch. With it (StyleGAN2's `MinibatchStdLayer`,
/// group size 4), the batch splits into groups of G = min(groupSize, n) samples, group j being
/// samples j, j + n/G, j + 2n/G, …, and each sample gets its group's statistic; n must then be
/// a multiple of G.
public final class MinibatchStdDev: Module, UnaryLayer {
    public let eps: Float
    public let groupSize: Int?

    public init(groupSize: Int? = nil, eps: Float = 1e-8) {
        precondition(groupSize.map { $0 > 0 } ?? true, "minibatch stddev: the group size must be positive")
        self.groupSize = groupSize
        self.eps = eps
        super.init()
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        let n = x.shape[0]
        let group = min(groupSize ?? n, n), groups = n / group
        precondition(n % group == 0, "minibatch stddev: a batch of \(n) does not split into groups of \(group)")
        let rest = Array(x.shape.dropFirst())
        let grouped = x.reshaped([group, groups] + rest)
        let centered = grouped - grouped.mean(axis: 0, keepDims: true)
        let std = ((centered * centered).mean(axis: 0) + eps).sqrt()                  // [groups] + rest
        let statistic = std.mean(axes: Array(1..<x.rank)).reshaped([1, groups] + rest.map { _ in 1 })
        var shape = [group, groups] + rest
        shape[2] = 1
        return Tensor.concat([x, statistic.broadcast(to: shape).reshaped([n, 1] + Array(rest.dropFirst()))], axis: 1)
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
