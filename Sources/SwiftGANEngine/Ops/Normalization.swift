/// Batch, layer and instance normalization, written with differentiable tensor ops so their
/// gradients of any order come from the ops they are made of.

/// A sum over the processes of data-parallel training, for batch statistics over the whole
/// global batch (PyTorch's `SyncBatchNorm`). SwiftGANCore's `DataParallel` makes one for
/// `--sync-batch-norm`.
public struct CrossProcessSum {
    /// The number of processes (each holding an equal share of the batch).
    public let processes: Int
    /// The element-wise sum of a tensor over all processes; differentiable (its gradient is the
    /// sum of the processes' gradients).
    public let sum: (Tensor) -> Tensor

    public init(processes: Int, sum: @escaping (Tensor) -> Tensor) {
        self.processes = processes
        self.sum = sum
    }
}

extension Tensor {
    /// Like `torch.nn.functional.batch_norm` on [n, c] or [n, c, ...]. In training mode the
    /// batch statistics normalize (biased variance) and `runningMean`/`runningVar` are updated
    /// in place with `momentum` (the unbiased variance, as PyTorch does); in evaluation mode the
    /// running statistics normalize.
    public static func batchNorm(_ x: Tensor, runningMean: Tensor?, runningVar: Tensor?, weight: Tensor?, bias: Tensor?,
                                 training: Bool, momentum: Float = 0.1, eps: Float = 1e-5,
                                 synchronizedBy sync: CrossProcessSum? = nil) -> Tensor {
        precondition(x.rank >= 2, "batch_norm needs [n, c, ...], got \(x.shape)")
        let channels = x.shape[1]
        var statShape = [Int](repeating: 1, count: x.rank)
        statShape[1] = channels
        if training {
            let count = x.count / channels * (sync?.processes ?? 1)
            precondition(count > 1, "batch_norm in training needs more than one value per channel, got \(x.shape)")
            let (y, mean, variance) = sync.map { batchNormComposite(x, weight: weight, bias: bias, eps: eps, synchronizedBy: $0) }
                ?? batchNormTraining(x, weight: weight, bias: bias, eps: eps)
            if let runningMean, let runningVar {
                withNoGrad {
                    runningMean.assign(runningMean * (1 - momentum) + mean * momentum)
                    runningVar.assign(runningVar * (1 - momentum) + variance * (momentum * Float(count) / Float(count - 1)))
                }
            }
            return y
        }
        guard let runningMean, let runningVar else { preconditionFailure("batch_norm in eval mode needs running statistics") }
        // One scale and one shift per channel: two passes over x instead of four.
        var scale = (runningVar + eps).pow(-0.5)
        if let weight { scale = scale * weight }
        var shift = -(runningMean * scale)
        if let bias { shift = shift + bias }
        return x * scale.reshaped(statShape) + shift.reshaped(statShape)
    }

    /// Batch statistics normalization with fused kernels; returns the output, the batch mean and
    /// the biased variance. The first-order backward is one fused kernel; when a backward pass
    /// records (`createGraph`), the same function written with tensor ops is differentiated
    /// instead, so higher orders stay exact.
    static func batchNormTraining(_ x: Tensor, weight: Tensor?, bias: Tensor?, eps: Float) -> (Tensor, Tensor, Tensor) {
        let (n, c) = (x.shape[0], x.shape[1])
        let spatial = x.count / (n * c)
        let y = Tensor(uninitializedShape: x.shape)
        let mean = Tensor(uninitializedShape: [c]), invstd = Tensor(uninitializedShape: [c]), variance = Tensor(uninitializedShape: [c])
        Backend.current.batchNormForward(x.storage.pointer, n: n, channels: c, spatial: spatial, gamma: weight?.storage.pointer,
                                         beta: bias?.storage.pointer, eps: eps, y: y.storage.pointer, mean: mean.storage.pointer,
                                         invstd: invstd.storage.pointer, variance: variance.storage.pointer)
        let inputs = [x] + [weight, bias].compactMap { $0 }
        record(y, op: "batch_norm", inputs: inputs,
               detail: .normalization(eps: eps, weight: weight != nil, bias: bias != nil)) { g, _, needs in
            if GradMode.isEnabled {
                let composite = batchNormComposite(x, weight: weight, bias: bias, eps: eps).y
                let wanted = inputs.enumerated().filter { needs[$0.offset] }.map(\.element)
                var grads = SwiftGANEngine.grad(of: composite, wrt: wanted, gradOutput: g, createGraph: true)[...]
                return needs.map { $0 ? grads.popFirst() : nil }
            }
            let dx = needs[0] ? Tensor(uninitializedShape: x.shape) : nil
            let dgamma = weight != nil && needs[1] ? Tensor(uninitializedShape: [c]) : nil
            let biasIndex = weight == nil ? 1 : 2
            let dbeta = bias != nil && needs[biasIndex] ? Tensor(uninitializedShape: [c]) : nil
            Backend.current.batchNormBackward(g.storage.pointer, x: x.storage.pointer, n: n, channels: c, spatial: spatial,
                                              mean: mean.storage.pointer, invstd: invstd.storage.pointer,
                                              gamma: weight?.storage.pointer, dx: dx?.storage.pointer,
                                              dgamma: dgamma?.storage.pointer, dbeta: dbeta?.storage.pointer)
            return [dx] + (weight == nil ? [] : [dgamma]) + (bias == nil ? [] : [dbeta])
        }
        return (y, mean, variance)
    }

    /// Training-mode batch norm written with differentiable tensor ops; returns the output, the
    /// batch mean and the biased variance. With `sync` the statistics are those of the batch
    /// of every process together, summed over them in two passes (the mean, then the centered
    /// squares).
    static func batchNormComposite(_ x: Tensor, weight: Tensor?, bias: Tensor?, eps: Float,
                                   synchronizedBy sync: CrossProcessSum? = nil) -> (y: Tensor, mean: Tensor, variance: Tensor) {
        let axes = [0] + Array(2..<x.rank)
        var statShape = [Int](repeating: 1, count: x.rank)
        statShape[1] = x.shape[1]
        let scale = 1 / Float(x.count / x.shape[1] * (sync?.processes ?? 1))
        func channelMean(_ t: Tensor) -> Tensor {
            let local = t.sum(axes: axes)
            return (sync?.sum(local) ?? local) * scale
        }
        let mean = channelMean(x)
        let centered = x - mean.reshaped(statShape)
        let variance = channelMean(centered * centered)
        return (affine(centered * (variance + eps).pow(-0.5).reshaped(statShape), weight: weight, bias: bias, shape: statShape),
                mean, variance)
    }

    /// Like `torch.nn.functional.layer_norm`: normalizes over the last `normalizedRank`
    /// dimensions; weight and bias have those dimensions' shape.
    public static func layerNorm(_ x: Tensor, normalizedRank: Int, weight: Tensor?, bias: Tensor?, eps: Float = 1e-5) -> Tensor {
        let axes = Array((x.rank - normalizedRank)..<x.rank)
        let mean = x.mean(axes: axes, keepDims: true)
        let centered = x - mean
        let variance = (centered * centered).mean(axes: axes, keepDims: true)
        let normalized = centered * (variance + eps).pow(-0.5)
        let shape = Array(x.shape.suffix(normalizedRank))
        var out = normalized
        if let weight { out = out * weight.reshaped(shape) }
        if let bias { out = out + bias.reshaped(shape) }
        return out
    }

    /// Like `torch.nn.functional.instance_norm` without running statistics: each sample's
    /// channel normalized over its spatial dimensions. That is training-mode batch norm of the
    /// [1, n·c, spatial] view, so it runs batch norm's fused kernels, one plane per channel.
    public static func instanceNorm(_ x: Tensor, weight: Tensor?, bias: Tensor?, eps: Float = 1e-5) -> Tensor {
        precondition(x.rank >= 3, "instance_norm needs [n, c, ...], got \(x.shape)")
        let planes = x.shape[0] * x.shape[1]
        precondition(x.count > planes, "instance_norm needs more than one value per channel, got \(x.shape)")
        let (normalized, _, _) = batchNormTraining(x.reshaped([1, planes, x.count / planes]), weight: nil, bias: nil, eps: eps)
        var statShape = [Int](repeating: 1, count: x.rank)
        statShape[1] = x.shape[1]
        return affine(normalized.reshaped(x.shape), weight: weight, bias: bias, shape: statShape)
    }

    private static func affine(_ x: Tensor, weight: Tensor?, bias: Tensor?, shape: [Int]) -> Tensor {
        var out = x
        if let weight { out = out * weight.reshaped(shape) }
        if let bias { out = out + bias.reshaped(shape) }
        return out
    }

    /// Zeroes elements with probability `p` and scales the rest by 1/(1 - p), like
    /// `torch.nn.functional.dropout` in training mode.
    public func dropout(_ p: Float, generator: inout RandomGenerator) -> Tensor {
        precondition(p >= 0 && p < 1, "dropout probability must be in [0, 1), got \(p)")
        if p == 0 { return self }
        let mask = generator.uniform(shape).greater(than: p) * (1 / (1 - p))
        return self * mask
    }
}
