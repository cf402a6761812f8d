/// Sums and means over axes, and their inverse, broadcasting back to a shape.

extension Tensor {
    /// Sum over `axes` (all axes when nil). The gradient broadcasts back over the summed axes.
    public func sum(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        let reduced = Set((axes ?? Array(0..<rank)).map { Shape.axis($0, rank: rank) })
        let keptShape = shape.enumerated().map { reduced.contains($0.offset) ? 1 : $0.element }
        let outShape = keepDims ? keptShape : shape.enumerated().filter { !reduced.contains($0.offset) }.map(\.element)
        let out = sumKernel(to: keptShape).reshaped(outShape)
        let inputShape = shape
        return Tensor.record(out, op: "sum", inputs: [self], detail: .axes(reduced.sorted())) { g, _, _ in
            [g.reshaped(keptShape).broadcast(to: inputShape)]
        }
    }

    /// Sum over one axis.
    public func sum(axis: Int, keepDims: Bool = false) -> Tensor { sum(axes: [axis], keepDims: keepDims) }

    /// Mean over `axes` (all when nil).
    public func mean(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        let reduced = (axes ?? Array(0..<rank)).map { shape[Shape.axis($0, rank: rank)] }.reduce(1, *)
        return sum(axes: axes, keepDims: keepDims) * (1 / Float(max(reduced, 1)))
    }

    public func mean(axis: Int, keepDims: Bool = false) -> Tensor { mean(axes: [axis], keepDims: keepDims) }

    /// Sums broadcast dimensions away so the result has `target` shape: the gradient of a
    /// broadcast. Returns self when the shapes already agree.
    public func sum(to target: [Int]) -> Tensor {
        if shape == target { return self }
        let offset = rank - target.count
        precondition(offset >= 0, "cannot sum shape \(shape) to \(target)")
        var axes = Array(0..<offset)
        for (i, size) in target.enumerated() where size == 1 && shape[i + offset] != 1 { axes.append(i + offset) }
        let summed = axes.isEmpty ? self : sum(axes: axes, keepDims: true)
        return summed.reshaped(target)
    }

    /// Repeats values along size-1 (or missing leading) dimensions to `target` shape, like
    /// `torch.Tensor.expand` followed by a copy. Its gradient sums back.
    public func broadcast(to target: [Int]) -> Tensor {
        if shape == target { return self }
        precondition(Shape.broadcast(shape, target) == target, "cannot broadcast \(shape) to \(target)")
        let out = Tensor(uninitializedShape: target)
        let (dims, strides) = Shape.coalesce(target, [Shape.broadcastStrides(shape, to: target), Shape.strides(of: target)])
        Backend.current.copy(shape: dims, from: storage.pointer, strides: strides[0], to: out.storage.pointer, strides: strides[1])
        let source = shape
        return Tensor.record(out, op: "broadcast", inputs: [self]) { g, _, _ in [g.sum(to: source)] }
    }

    /// Sums (not recorded) the dimensions where `kept` has 1, reducing runs of neighbouring
    /// axes in one kernel call each.
    private func sumKernel(to kept: [Int]) -> Tensor {
        var current = self
        var currentShape = shape
        var d = rank - 1
        while d >= 0 {
            guard kept[d] == 1 && currentShape[d] != 1 else { d -= 1; continue }
            var start = d
            while start > 0 && kept[start - 1] == 1 { start -= 1 }
            let outer = currentShape[..<start].reduce(1, *)
            let reducedCount = currentShape[start...d].reduce(1, *)
            let inner = currentShape[(d + 1)...].reduce(1, *)
            for i in start...d { currentShape[i] = 1 }
            let next = Tensor(uninitializedShape: currentShape)
            Backend.current.sum(current.storage.pointer, into: next.storage.pointer,
                                outer: outer, reduced: reducedCount, inner: inner)
            current = next
            d = start - 1
        }
        return current === self ? copy().reshapedStorage(kept) : current
    }

    private func reshapedStorage(_ newShape: [Int]) -> Tensor { Tensor(shape: newShape, storage: storage) }
}
