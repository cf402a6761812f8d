/// Log-softmax and cross-entropy, for classifiers (the evaluator networks).

extension Tensor {
    /// log(softmax(x)) along `axis`, computed as x - max - log Σ exp(x - max) so it never
    /// overflows. The max is a constant shift (its gradient cancels).
    public func logSoftmax(axis: Int = -1) -> Tensor {
        let ax = Shape.axis(axis, rank: rank)
        let shift = withNoGrad { maxValues(axis: ax) }
        let shifted = self - shift
        return shifted - shifted.exp().sum(axis: ax, keepDims: true).log()
    }

    /// softmax(x) along `axis`.
    public func softmax(axis: Int = -1) -> Tensor { logSoftmax(axis: axis).exp() }

    /// Mean cross-entropy of logits [n, classes] against integer labels, like
    /// `torch.nn.functional.cross_entropy`.
    public func crossEntropy(labels: [Int]) -> Tensor {
        precondition(rank == 2 && labels.count == shape[0], "cross_entropy needs logits [n, classes] and n labels")
        var oneHot = [Float](repeating: 0, count: count)
        for (i, label) in labels.enumerated() {
            precondition(label >= 0 && label < shape[1], "label \(label) out of 0..<\(shape[1])")
            oneHot[i * shape[1] + label] = 1
        }
        return -(logSoftmax(axis: 1) * Tensor(oneHot, shape: shape)).sum() * (1 / Float(shape[0]))
    }

    /// The maximum along `axis`, kept as a size-1 dimension (not differentiable: recorded only so
    /// an `OpTrace` sees it).
    func maxValues(axis: Int) -> Tensor {
        let outer = shape[..<axis].reduce(1, *), n = shape[axis], inner = shape[(axis + 1)...].reduce(1, *)
        var outShape = shape
        outShape[axis] = 1
        let out = Tensor(uninitializedShape: outShape)
        Backend.current.max(storage.pointer, into: out.storage.pointer, outer: outer, reduced: n, inner: inner)
        return Tensor.record(out, op: "max", inputs: [self], detail: .axes([axis])) { _, _, _ in [nil] }
    }

    /// The index of the largest value in each row of a [n, classes] tensor.
    public func argmaxRows() -> [Int] {
        precondition(rank == 2, "argmaxRows needs [n, classes]")
        let v = storage.buffer, c = shape[1]
        return (0..<shape[0]).map { i in (0..<c).max { v[i * c + $0] < v[i * c + $1] }! }
    }
}
