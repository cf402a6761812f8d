/// Reflection padding of [n, c, h, w], as `torch.nn.ReflectionPad2d` computes it: the border is
/// the image mirrored about its edge row or column (which is not repeated), so `[a b c d]`
/// padded by 2 on the left is `[c b a b c d]`.

extension Tensor {
    /// The tensor padded by reflection: `left`, `right`, `top` and `bottom` rows or columns,
    /// each smaller than the side it mirrors (PyTorch's limit). A fixed one-term gather per
    /// output pixel, so the gradient scatters back onto the mirrored pixels and every order of
    /// gradient follows.
    ///
    /// ```swift
    /// let y = x.reflectionPadded(left: 3, right: 3, top: 3, bottom: 3)   // [n, c, 32, 32] → [n, c, 38, 38]
    /// ```
    public func reflectionPadded(left: Int, right: Int, top: Int, bottom: Int) -> Tensor {
        precondition(rank == 4, "reflection padding needs [n, c, h, w], got \(shape)")
        let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
        precondition([left, right, top, bottom].allSatisfy { $0 >= 0 }, "reflection padding must not be negative")
        precondition(left < w && right < w && top < h && bottom < h,
                     "reflection padding (\(left), \(right), \(top), \(bottom)) must be smaller than the input's sides \(h)×\(w)")
        let (oh, ow) = (h + top + bottom, w + left + right)
        /// The source index of output position `o` along a side of `size` padded by `before`.
        func mirrored(_ o: Int, before: Int, size: Int) -> Int {
            let i = o - before
            return i < 0 ? -i : i >= size ? 2 * (size - 1) - i : i
        }
        let map = SparseLinearMap.planewise(input: shape, output: [n, c, oh, ow], parameters: "reflect \(left) \(right) \(top) \(bottom)",
                                            termsPerOutput: 1) {
            var indices = [Int64](repeating: 0, count: oh * ow)
            for y in 0..<oh {
                let sy = mirrored(y, before: top, size: h)
                for x in 0..<ow { indices[y * ow + x] = Int64(sy * w + mirrored(x, before: left, size: w)) }
            }
            return (indices, nil)
        }
        return applying(map)
    }

    /// The same reflection padding on every side.
    public func reflectionPadded(_ padding: Int) -> Tensor {
        reflectionPadded(left: padding, right: padding, top: padding, bottom: padding)
    }
}
