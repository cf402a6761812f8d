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

    /// A sum over the processes of data-parallel training, for batch statistics over the whole
    /// global batch (PyTorch's `SyncBatchNorm`). SwiftGANCore's `DataParallel` sets it for
    /// `--sync-batch-norm`; nil, each process normalizes with its own rows' statistics.
    public struct CrossProcessSum {
        /// The number of processes (each holding an equal share of the batch).
        public let processes: Int
        /// The element-wise sum of a tensor over all processes; differentiable (its gradient is
        /// the sum of the processes' gradients).
        public let sum: (Tensor) -> Tensor

        public init(processes: Int, sum: @escaping (Tensor) -> Tensor) {
            self.processes = processes
            self.sum = sum
        }
    }

    /// Set by data-parallel training with synchronized batch norm; applies to every BatchNorm.
    nonisolated(unsafe) public static var synchronization: CrossProcessSum?

    public func callAsFunction(_ x: Tensor) -> Tensor { callAsFunction(x, synchronizedBy: Self.synchronization) }

    /// Batch norm whose training-mode statistics are summed over processes by `sync` (nil: this
    /// process's batch alone).
    public func callAsFunction(_ x: Tensor, synchronizedBy sync: CrossProcessSum?) -> Tensor {
        if training { numBatchesTracked.storage.pointer[0] += 1 }
        if training, let sync { return synchronized(x, sync) }
        return Tensor.batchNorm(x, runningMean: runningMean, runningVar: runningVar, weight: weight, bias: bias,
                                training: training, momentum: momentum, eps: eps)
    }
}

extension BatchNorm {
    /// Training-mode batch norm with the mean and biased variance of the whole global batch,
    /// summed over the processes in two passes (the mean, then the centered squares), and the
    /// running statistics updated from them as `torch.nn.SyncBatchNorm` does.
    private func synchronized(_ x: Tensor, _ sync: CrossProcessSum) -> Tensor {
        precondition(x.rank >= 2, "batch_norm needs [n, c, ...], got \(x.shape)")
        let channels = x.shape[1]
        var statShape = [Int](repeating: 1, count: x.rank)
        statShape[1] = channels
        let axes = [0] + Array(2..<x.rank)
        let count = x.count / channels * sync.processes
        precondition(count > 1, "batch_norm in training needs more than one value per channel, got \(x.shape)")
        let mean = sync.sum(x.sum(axes: axes)) / Float(count)
        let centered = x - mean.reshaped(statShape)
        let variance = sync.sum((centered * centered).sum(axes: axes)) / Float(count)
        var y = centered * (variance + eps).pow(-0.5).reshaped(statShape)
        if let weight { y = y * weight.reshaped(statShape) }
        if let bias { y = y + bias.reshaped(statShape) }
        withNoGrad {
            runningMean.assign(runningMean * (1 - momentum) + mean * momentum)
            runningVar.assign(runningVar * (1 - momentum) + variance * (momentum * Float(count) / Float(count - 1)))
        }
        return y
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
