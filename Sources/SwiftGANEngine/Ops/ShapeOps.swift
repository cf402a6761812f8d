/// Reshape, permute/transpose, concatenation, slicing and boolean-mask indexing.

extension Tensor {
    /// The same values with a new shape (one dimension may be -1). Shares storage.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var resolved = newShape
        if let unknown = newShape.firstIndex(of: -1) {
            let known = newShape.enumerated().filter { $0.offset != unknown }.map(\.element).reduce(1, *)
            precondition(known > 0 && count % known == 0, "cannot reshape \(shape) to \(newShape)")
            resolved[unknown] = count / known
        }
        precondition(resolved.reduce(1, *) == count, "cannot reshape \(shape) to \(newShape)")
        if resolved == shape { return self }
        let source = shape
        return Tensor.record(Tensor(shape: resolved, storage: storage), op: "reshape", inputs: [self]) { g, _, _ in
            [g.reshaped(source)]
        }
    }

    /// Dimensions reordered so that result dimension i is input dimension `order[i]`.
    public func permuted(_ order: [Int]) -> Tensor {
        precondition(order.sorted() == Array(0..<rank), "permutation \(order) for rank \(rank)")
        if order == Array(0..<rank) { return self }
        let outShape = order.map { shape[$0] }
        let inStrides = Shape.strides(of: shape)
        let out = Tensor(uninitializedShape: outShape)
        let (dims, strides) = Shape.coalesce(outShape, [order.map { inStrides[$0] }, Shape.strides(of: outShape)])
        Backend.current.copy(shape: dims, from: storage.pointer, strides: strides[0], to: out.storage.pointer, strides: strides[1])
        var inverse = [Int](repeating: 0, count: rank)
        for (i, o) in order.enumerated() { inverse[o] = i }
        return Tensor.record(out, op: "permute", inputs: [self], detail: .order(order)) { g, _, _ in [g.permuted(inverse)] }
    }

    /// Two dimensions swapped (the last two by default).
    public func transposed(_ a: Int = -2, _ b: Int = -1) -> Tensor {
        var order = Array(0..<rank)
        order.swapAt(Shape.axis(a, rank: rank), Shape.axis(b, rank: rank))
        return permuted(order)
    }

    /// The transpose of a matrix.
    public var T: Tensor { transposed() }

    /// The elements `range` along `axis` (a contiguous slice, like `x[:, 2:5]`).
    public func slice(axis: Int, _ range: Range<Int>) -> Tensor {
        let ax = Shape.axis(axis, rank: rank)
        precondition(range.lowerBound >= 0 && range.upperBound <= shape[ax], "slice \(range) out of 0..<\(shape[ax])")
        var outShape = shape
        outShape[ax] = range.count
        let strides = Shape.strides(of: shape)
        let out = Tensor(uninitializedShape: outShape)
        let (dims, sets) = Shape.coalesce(outShape, [strides, Shape.strides(of: outShape)])
        Backend.current.copy(shape: dims, from: storage.pointer + range.lowerBound * strides[ax], strides: sets[0],
                             to: out.storage.pointer, strides: sets[1])
        let full = shape
        return Tensor.record(out, op: "slice", inputs: [self], detail: .slice(axis: ax, range: range)) { g, _, _ in
            [g.padded(axis: ax, before: range.lowerBound, after: full[ax] - range.upperBound)]
        }
    }

    /// Zeros added before and after along `axis`: the inverse of `slice`, and its gradient.
    public func padded(axis: Int, before: Int, after: Int) -> Tensor {
        let ax = Shape.axis(axis, rank: rank)
        var outShape = shape
        outShape[ax] += before + after
        let out = Tensor.zeros(outShape)
        let outStrides = Shape.strides(of: outShape)
        let (dims, sets) = Shape.coalesce(shape, [Shape.strides(of: shape), outStrides])
        Backend.current.copy(shape: dims, from: storage.pointer, strides: sets[0],
                             to: out.storage.pointer + before * outStrides[ax], strides: sets[1])
        let size = shape[ax]
        return Tensor.record(out, op: "pad", inputs: [self], detail: .pad(axis: ax, before: before, after: after)) { g, _, _ in
            [g.slice(axis: ax, before..<(before + size))]
        }
    }

    /// Tensors joined along `axis`; all other dimensions must agree.
    public static func concat(_ tensors: [Tensor], axis: Int = 0) -> Tensor {
        precondition(!tensors.isEmpty, "concat of no tensors")
        let first = tensors[0]
        let ax = Shape.axis(axis, rank: first.rank)
        var outShape = first.shape
        outShape[ax] = tensors.map { $0.shape[ax] }.reduce(0, +)
        let out = Tensor(uninitializedShape: outShape)
        let outStrides = Shape.strides(of: outShape)
        var offset = 0
        for t in tensors {
            var expected = outShape
            expected[ax] = t.shape[ax]
            precondition(t.shape == expected, "concat: shape \(t.shape) does not fit \(outShape) along axis \(ax)")
            let (dims, sets) = Shape.coalesce(t.shape, [Shape.strides(of: t.shape), outStrides])
            Backend.current.copy(shape: dims, from: t.storage.pointer, strides: sets[0],
                                 to: out.storage.pointer + offset * outStrides[ax], strides: sets[1])
            offset += t.shape[ax]
        }
        let sizes = tensors.map { $0.shape[ax] }
        return record(out, op: "concat", inputs: tensors, detail: .concat(axis: ax)) { g, _, needs in
            var start = 0
            return sizes.enumerated().map { i, size in
                defer { start += size }
                return needs[i] ? g.slice(axis: ax, start..<(start + size)) : nil
            }
        }
    }

    /// The elements where `mask` is non-zero, as a 1-D tensor (like `x[mask]` in PyTorch).
    public func masked(by mask: Tensor) -> Tensor {
        precondition(mask.shape == shape, "mask shape \(mask.shape) differs from \(shape)")
        let m = mask.storage.buffer, x = storage.buffer
        var values: [Float] = []
        for i in 0..<count where m[i] != 0 { values.append(x[i]) }
        let source = shape
        return Tensor.record(Tensor(values, shape: [values.count]), op: "masked_select", inputs: [self]) { g, _, _ in
            [g.scattered(by: mask, into: source)]
        }
    }

    /// Places the values of this 1-D tensor at the non-zero positions of `mask` in a zero tensor
    /// of `shape`: the inverse of `masked(by:)`, and its gradient.
    public func scattered(by mask: Tensor, into shape: [Int]) -> Tensor {
        let out = Tensor.zeros(shape)
        let m = mask.storage.buffer, src = storage.buffer, dst = out.storage.buffer
        var k = 0
        for i in 0..<out.count where m[i] != 0 { dst[i] = src[k]; k += 1 }
        precondition(k == count, "scatter: mask selects \(k) positions for \(count) values")
        return Tensor.record(out, op: "masked_scatter", inputs: [self]) { g, _, _ in [g.masked(by: mask)] }
    }
}

extension Tensor {
    /// The rows (entries along the first dimension) at `indices`, in that order, like
    /// `x[indices]` in PyTorch; differentiable (the gradient scatters back).
    public func rows(_ indices: [Int]) -> Tensor {
        let n = shape[0]
        let rowSize = n == 0 ? 0 : count / n
        precondition(indices.allSatisfy { $0 >= 0 && $0 < n }, "row index out of 0..<\(n)")
        if isTracked && GradMode.isEnabled {
            return reshaped([n, rowSize]).embeddingLookup(indices).reshaped([indices.count] + shape.dropFirst())
        }
        let out = Tensor(uninitializedShape: [indices.count] + shape.dropFirst())
        for (r, i) in indices.enumerated() {
            (out.storage.pointer + r * rowSize).update(from: storage.pointer + i * rowSize, count: rowSize)
        }
        return out
    }
}
