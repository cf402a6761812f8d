/// Nearest and bilinear upsampling of [n, c, h, w], as `torch.nn.Upsample` computes them.

extension Tensor {
    public enum UpsampleMode: String, Sendable { case nearest, bilinear }

    /// Resizes the last two dimensions by `scale` (or to `size`). Bilinear uses
    /// `align_corners=False`, PyTorch's default.
    public func upsample(scale: (Float, Float)? = nil, size: (Int, Int)? = nil, mode: UpsampleMode = .nearest) -> Tensor {
        precondition(rank == 4, "upsample needs [n, c, h, w], got \(shape)")
        precondition((scale == nil) != (size == nil), "upsample: give a scale or a size")
        let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
        let oh = size?.0 ?? Int((Float(h) * scale!.0).rounded(.down))
        let ow = size?.1 ?? Int((Float(w) * scale!.1).rounded(.down))
        // Source step per output pixel: 1/scale when a scale is given, else in/out.
        let ry = scale.map { 1 / $0.0 } ?? Float(h) / Float(oh)
        let rx = scale.map { 1 / $0.1 } ?? Float(w) / Float(ow)
        let parameters = "\(mode) \(ry) \(rx)"
        switch mode {
        case .nearest:
            return applying(SparseLinearMap.planewise(input: shape, output: [n, c, oh, ow], parameters: parameters, termsPerOutput: 1) {
                var indices = [Int64](repeating: 0, count: oh * ow)
                var t = 0
                for y in 0..<oh {
                    let sy = min(Int((Float(y) * ry).rounded(.down)), h - 1)
                    for x in 0..<ow {
                        let sx = min(Int((Float(x) * rx).rounded(.down)), w - 1)
                        indices[t] = Int64(sy * w + sx)
                        t += 1
                    }
                }
                return (indices, nil)
            })
        case .bilinear:
            func source(_ o: Int, _ r: Float, _ size: Int) -> (Int, Int, Float) {
                let s = max((Float(o) + 0.5) * r - 0.5, 0)
                let i0 = min(Int(s), size - 1)
                let i1 = min(i0 + 1, size - 1)
                return (i0, i1, s - Float(i0))
            }
            return applying(SparseLinearMap.planewise(input: shape, output: [n, c, oh, ow], parameters: parameters, termsPerOutput: 4) {
                var indices = [Int64](repeating: 0, count: oh * ow * 4)
                var weights = [Float](repeating: 0, count: indices.count)
                var t = 0
                for y in 0..<oh {
                    let (y0, y1, ly) = source(y, ry, h)
                    for x in 0..<ow {
                        let (x0, x1, lx) = source(x, rx, w)
                        for (yy, xx, wt) in [(y0, x0, (1 - ly) * (1 - lx)), (y0, x1, (1 - ly) * lx),
                                             (y1, x0, ly * (1 - lx)), (y1, x1, ly * lx)] {
                            indices[t] = Int64(yy * w + xx)
                            weights[t] = wt
                            t += 1
                        }
                    }
                }
                return (indices, weights)
            })
        }
    }

    /// Rows of this [count, dim] table picked by `indices` (like `torch.nn.functional.embedding`);
    /// the result has shape `indexShape + [dim]`.
    public func embeddingLookup(_ indices: [Int], indexShape: [Int]? = nil) -> Tensor {
        precondition(rank == 2, "embedding table must be [count, dim], got \(shape)")
        let dim = shape[1]
        var flat = [Int64](repeating: 0, count: indices.count * dim)
        for (i, row) in indices.enumerated() {
            precondition(row >= 0 && row < shape[0], "embedding index \(row) out of 0..<\(shape[0])")
            for j in 0..<dim { flat[i * dim + j] = Int64(row * dim + j) }
        }
        return applying(SparseLinearMap(inputShape: shape, outputShape: (indexShape ?? [indices.count]) + [dim],
                                        termsPerOutput: 1, indices: flat))
    }
}
