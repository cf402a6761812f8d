/// Average and max pooling over the last two dimensions of [n, c, h, w], as sparse maps.

extension Tensor {
    private func pooledSize(_ size: Int, kernel: Int, stride: Int, padding: Int, dilation: Int = 1, ceilMode: Bool) -> Int {
        let span = size + 2 * padding - dilation * (kernel - 1) - 1
        var out = (ceilMode ? (span + stride - 1) / stride : span / stride) + 1
        // PyTorch: with ceil_mode the last window must start inside the input or left padding.
        if ceilMode && (out - 1) * stride >= size + padding { out -= 1 }
        return out
    }

    /// Like `torch.nn.functional.avg_pool2d`; `countIncludePad` divides by the whole window.
    public func avgPool2d(kernel: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0),
                          ceilMode: Bool = false, countIncludePad: Bool = true) -> Tensor {
        precondition(rank == 4, "avg_pool2d needs [n, c, h, w], got \(shape)")
        let s = stride ?? kernel
        let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
        let oh = pooledSize(h, kernel: kernel.0, stride: s.0, padding: padding.0, ceilMode: ceilMode)
        let ow = pooledSize(w, kernel: kernel.1, stride: s.1, padding: padding.1, ceilMode: ceilMode)
        let k = kernel.0 * kernel.1
        let parameters = "avg k\(kernel) s\(s) p\(padding) ceil \(ceilMode) includePad \(countIncludePad)"
        let map = SparseLinearMap.planewise(input: shape, output: [n, c, oh, ow], parameters: parameters, termsPerOutput: k) {
            var indices = [Int64](repeating: -1, count: oh * ow * k)
            var weights = [Float](repeating: 0, count: indices.count)
            var t = 0
            for oy in 0..<oh {
                for ox in 0..<ow {
                    let y0 = oy * s.0 - padding.0, x0 = ox * s.1 - padding.1
                    // PyTorch's divisor: the window clipped to the padded input, or to the input.
                    let padY1 = min(y0 + kernel.0, h + padding.0), padX1 = min(x0 + kernel.1, w + padding.1)
                    var divisor = (padY1 - y0) * (padX1 - x0)
                    if !countIncludePad { divisor = (min(y0 + kernel.0, h) - max(y0, 0)) * (min(x0 + kernel.1, w) - max(x0, 0)) }
                    for ky in 0..<kernel.0 {
                        for kx in 0..<kernel.1 {
                            let y = y0 + ky, x = x0 + kx
                            if y >= 0 && y < h && x >= 0 && x < w {
                                indices[t] = Int64(y * w + x)
                                weights[t] = 1 / Float(divisor)
                            }
                            t += 1
                        }
                    }
                }
            }
            return (indices, weights)
        }
        return applying(map)
    }

    /// Like `torch.nn.functional.max_pool2d`: the gradient goes to the first maximum of each
    /// window in row-major order.
    public func maxPool2d(kernel: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0),
                          dilation: (Int, Int) = (1, 1), ceilMode: Bool = false) -> Tensor {
        precondition(rank == 4, "max_pool2d needs [n, c, h, w], got \(shape)")
        let s = stride ?? kernel
        let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
        let oh = pooledSize(h, kernel: kernel.0, stride: s.0, padding: padding.0, dilation: dilation.0, ceilMode: ceilMode)
        let ow = pooledSize(w, kernel: kernel.1, stride: s.1, padding: padding.1, dilation: dilation.1, ceilMode: ceilMode)
        // The windows' maxima depend on the data, so this table is made on every call, plane by
        // plane on the compute pool.
        var indices = [Int64](repeating: -1, count: n * c * oh * ow)
        indices.withUnsafeMutableBufferPointer { idx in
            Backend.current.maxPoolIndices(storage.pointer, planes: n * c, height: h, width: w, outputHeight: oh, outputWidth: ow,
                                           kernel: kernel, stride: s, padding: padding, dilation: dilation, into: idx.baseAddress!)
        }
        return applying(SparseLinearMap(inputShape: shape, outputShape: [n, c, oh, ow], termsPerOutput: 1, indices: indices, planes: n * c),
                        detail: .maxPool(kernel: kernel, stride: s, padding: padding, dilation: dilation, ceilMode: ceilMode))
    }
}
