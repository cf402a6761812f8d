/// Matrix products: `matmul` with optional transposes (so backward rules never copy a
/// transpose), its batched form `bmm`, and `linear`, the fused x·Wᵀ + b of a dense layer.

extension Tensor {
    /// op(self) · op(other) for 2-D tensors, where op transposes when asked.
    public func matmul(_ other: Tensor, transposeSelf: Bool = false, transposeOther: Bool = false) -> Tensor {
        let a = self, b = other
        precondition(a.rank == 2 && b.rank == 2, "matmul needs 2-D tensors, got \(a.shape) and \(b.shape)")
        let (m, k) = transposeSelf ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
        let (k2, n) = transposeOther ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
        precondition(k == k2, "matmul: inner sizes differ for \(a.shape) and \(b.shape)")
        let out = Tensor(uninitializedShape: [m, n])
        Tensor.gemm(a, transposeSelf, b, transposeOther, into: out, m: m, n: n, k: k, beta: 0)
        let (ta, tb) = (transposeSelf, transposeOther)
        return Tensor.record(out, op: "matmul", inputs: [a, b], detail: .transposes(ta, tb)) { g, _, needs in
            // d/dA and d/dB of C = op(A)·op(B), each written as one more matmul.
            var da: Tensor?, db: Tensor?
            switch (ta, tb) {
            case (false, false):
                if needs[0] { da = g.matmul(b, transposeOther: true) }
                if needs[1] { db = a.matmul(g, transposeSelf: true) }
            case (false, true):
                if needs[0] { da = g.matmul(b) }
                if needs[1] { db = g.matmul(a, transposeSelf: true) }
            case (true, false):
                if needs[0] { da = b.matmul(g, transposeOther: true) }
                if needs[1] { db = a.matmul(g) }
            case (true, true):
                if needs[0] { da = b.matmul(g, transposeSelf: true, transposeOther: true) }
                if needs[1] { db = g.matmul(a, transposeSelf: true, transposeOther: true) }
            }
            return [da, db]
        }
    }

    /// op(self[i]) · op(other[i]) for each i of a batch of matrices, like `torch.bmm` (with
    /// `transposeSelf`, `torch.bmm(self.transpose(1, 2), other)`, and so on, without copying the
    /// transpose): [b, m, k] × [b, k, n] → [b, m, n]. The batch is split over the compute pool.
    ///
    /// ```swift
    /// let scores = queries.bmm(keys, transposeSelf: true)   // [b, d, m]ᵀ × [b, d, n] → [b, m, n]
    /// ```
    public func bmm(_ other: Tensor, transposeSelf: Bool = false, transposeOther: Bool = false) -> Tensor {
        let a = self, b = other
        precondition(a.rank == 3 && b.rank == 3, "bmm needs 3-D tensors, got \(a.shape) and \(b.shape)")
        precondition(a.shape[0] == b.shape[0], "bmm: batch sizes differ for \(a.shape) and \(b.shape)")
        let (m, k) = transposeSelf ? (a.shape[2], a.shape[1]) : (a.shape[1], a.shape[2])
        let (k2, n) = transposeOther ? (b.shape[2], b.shape[1]) : (b.shape[1], b.shape[2])
        precondition(k == k2, "bmm: inner sizes differ for \(a.shape) and \(b.shape)")
        let batch = a.shape[0]
        let out = Tensor(uninitializedShape: [batch, m, n])
        if k == 0 {
            Backend.current.fill(out.storage.pointer, count: out.count, value: 0)
        } else {
            Backend.current.batchedGemm(batch: batch, transposeA: transposeSelf, transposeB: transposeOther, m: m, n: n, k: k,
                                        a: a.storage.pointer, b: b.storage.pointer, c: out.storage.pointer)
        }
        let (ta, tb) = (transposeSelf, transposeOther)
        return Tensor.record(out, op: "bmm", inputs: [a, b], detail: .transposes(ta, tb)) { g, _, needs in
            // The rules of `matmul`, matrix by matrix.
            var da: Tensor?, db: Tensor?
            switch (ta, tb) {
            case (false, false):
                if needs[0] { da = g.bmm(b, transposeOther: true) }
                if needs[1] { db = a.bmm(g, transposeSelf: true) }
            case (false, true):
                if needs[0] { da = g.bmm(b) }
                if needs[1] { db = g.bmm(a, transposeSelf: true) }
            case (true, false):
                if needs[0] { da = b.bmm(g, transposeOther: true) }
                if needs[1] { db = a.bmm(g) }
            case (true, true):
                if needs[0] { da = b.bmm(g, transposeSelf: true, transposeOther: true) }
                if needs[1] { db = g.bmm(a, transposeSelf: true, transposeOther: true) }
            }
            return [da, db]
        }
    }

    /// x · Wᵀ + b for x [batch, in], W [out, in] and b [out]: `torch.nn.functional.linear`.
    public static func linear(_ x: Tensor, weight: Tensor, bias: Tensor?) -> Tensor {
        precondition(x.rank == 2 && weight.rank == 2 && x.shape[1] == weight.shape[1],
                     "linear: input \(x.shape) does not fit weight \(weight.shape)")
        let (m, n, k) = (x.shape[0], weight.shape[0], x.shape[1])
        let out = Tensor(uninitializedShape: [m, n])
        if let bias {
            precondition(bias.shape == [n], "linear: bias \(bias.shape) for \(n) outputs")
            // Start from the broadcast bias and let the GEMM accumulate onto it.
            Backend.current.copy(shape: [m, n], from: bias.storage.pointer, strides: [0, 1],
                                 to: out.storage.pointer, strides: [n, 1])
        }
        gemm(x, false, weight, true, into: out, m: m, n: n, k: k, beta: bias == nil ? 0 : 1)
        let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
        return record(out, op: "linear", inputs: inputs) { g, _, needs in
            var grads: [Tensor?] = [needs[0] ? g.matmul(weight) : nil,
                                    needs[1] ? g.matmul(x, transposeSelf: true) : nil]
            if inputs.count == 3 { grads.append(needs[2] ? g.sum(axis: 0) : nil) }
            return grads
        }
    }

    private static func gemm(_ a: Tensor, _ ta: Bool, _ b: Tensor, _ tb: Bool, into c: Tensor,
                             m: Int, n: Int, k: Int, beta: Float) {
        if k == 0 {
            if beta == 0 { Backend.current.fill(c.storage.pointer, count: c.count, value: 0) }
            return
        }
        Backend.current.gemm(transposeA: ta, transposeB: tb, m: m, n: n, k: k, alpha: 1,
                             a: a.storage.pointer, lda: a.shape[1], b: b.storage.pointer, ldb: b.shape[1],
                             beta: beta, c: c.storage.pointer, ldc: n)
    }
}
