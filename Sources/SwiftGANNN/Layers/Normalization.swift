import SwiftGANEngine

/// Batch normalization like `torch.nn.BatchNorm1d` and `BatchNorm2d`: learnable `weight` (1)
/// and `bias` (0); buffers `running_mean`, `running_var` and `num_batches_tracked` (saved as
/// int64). Training mode normalizes with batch statistics and updates the running ones;
/// evaluation mode uses the running statistics.
///
/// ```swift
/// let bn = BatchNorm(128)
/// let y = bn(x)      // x: [n, 128] or [n, 128, h, w]
/// bn.eval()
/// ```
public final class BatchNorm: Module, UnaryLayer {
    public let weight: Tensor?
    public let bias: Tensor?
    public let runningMean: Tensor
    public let runningVar: Tensor
    public let numBatchesTracked = Tensor(scalar: 0)
    public let momentum: Float
    public let eps: Float

    public init(_ features: Int, eps: Float = 1e-5, momentum: Float = 0.1, affine: Bool = true) {
        weight = affine ? Tensor.ones([features], requiresGrad: true) : nil
        bias = affine ? Tensor.zeros([features], requiresGrad: true) : nil
        runningMean = Tensor.zeros([features])
        runningVar = Tensor.ones([features])
        self.momentum = momentum
        self.eps = eps
        super.init()
    }

    override public func ownBuffers() -> [(String, Tensor)] {
        [("running_mean", runningMean), ("running_var", runningVar), ("num_batches_tracked", numBatchesTracked)]
    }

    override public func ownIntegerBuffers() -> Set<String> { ["num_batches_tracked"] }

    /// Set by data-parallel training with synchronized batch norm (`--sync-batch-norm`): applies
    /// to every BatchNorm; nil, each process normalizes with its own rows' statistics.
    nonisolated(unsafe) public static var synchronization: CrossProcessSum?

    public func callAsFunction(_ x: Tensor) -> Tensor { callAsFunction(x, synchronizedBy: Self.synchronization) }

    /// Batch norm whose training-mode statistics are summed over processes by `sync` (nil: this
    /// process's batch alone).
    public func callAsFunction(_ x: Tensor, synchronizedBy sync: CrossProcessSum?) -> Tensor {
        if training { numBatchesTracked.storage.pointer[0] += 1 }
        return Tensor.batchNorm(x, runningMean: runningMean, runningVar: runningVar, weight: weight, bias: bias,
                                training: training, momentum: momentum, eps: eps, synchronizedBy: sync)
    }
}

/// `torch.nn.BatchNorm1d`: batch normalization of [n, c] or [n, c, l].
public typealias BatchNorm1d = BatchNorm
/// `torch.nn.BatchNorm2d`: batch normalization of [n, c, h, w].
public typealias BatchNorm2d = BatchNorm

/// Layer normalization like `torch.nn.LayerNorm` over the trailing `normalizedShape`.
public final class LayerNorm: Module, UnaryLayer {
    public let weight: Tensor?
    public let bias: Tensor?
    public let normalizedShape: [Int]
    public let eps: Float

    public init(_ normalizedShape: [Int], eps: Float = 1e-5, elementwiseAffine: Bool = true) {
        weight = elementwiseAffine ? Tensor.ones(normalizedShape, requiresGrad: true) : nil
        bias = elementwiseAffine ? Tensor.zeros(normalizedShape, requiresGrad: true) : nil
        self.normalizedShape = normalizedShape
        self.eps = eps
        super.init()
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        precondition(Array(x.shape.suffix(normalizedShape.count)) == normalizedShape,
                     "LayerNorm(\(normalizedShape)) got input \(x.shape)")
        return Tensor.layerNorm(x, normalizedRank: normalizedShape.count, weight: weight, bias: bias, eps: eps)
    }
}

/// Instance normalization like `torch.nn.InstanceNorm2d` (no running statistics; affine off by
/// default, as in PyTorch).
public final class InstanceNorm2d: Module, UnaryLayer {
    public let weight: Tensor?
    public let bias: Tensor?
    public let eps: Float

    public init(_ features: Int, eps: Float = 1e-5, affine: Bool = false) {
        weight = affine ? Tensor.ones([features], requiresGrad: true) : nil
        bias = affine ? Tensor.zeros([features], requiresGrad: true) : nil
        self.eps = eps
        super.init()
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        Tensor.instanceNorm(x, weight: weight, bias: bias, eps: eps)
    }
}
