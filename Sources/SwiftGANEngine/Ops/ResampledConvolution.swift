/// A 3×3 convolution fused with the 2× resampling around it, as residual GAN blocks use them:
/// nearest upsampling before (BigGAN's generator block) and 2×2 average pooling after (its
/// discriminator block). Both are the same linear maps as the unfused ops, computed with fewer
/// multiply-adds: the 3×3 weights are folded into smaller or strided kernels by a fixed matrix,
/// so the fused forms keep gradients of every order and equal the unfused ones up to float
/// rounding.

extension Tensor {
    /// `conv2d(x.upsample(scale: (2, 2)), weight, bias, padding: (1, 1))` for 3×3 weights
    /// [c_out, c_in, 3, 3]: x [n, c_in, h, w] → [n, c_out, 2h, 2w].
    ///
    /// Each of the four output phases (even or odd row, even or odd column) of a convolution of a
    /// nearest-upsampled image sees every input pixel through a 2×2 kernel whose taps are sums
    /// of the 3×3 taps. One 2×2 convolution of x with the four phases' kernels stacked as
    /// 4·c_out channels gives them all; a gather interleaves them. That is 16 multiply-adds per
    /// output pixel and input channel where the unfused convolution does 36.
    public static func conv2dOfUpsampled(_ x: Tensor, weight: Tensor, bias: Tensor? = nil) -> Tensor {
        precondition(x.rank == 4 && weight.rank == 4 && weight.shape[2] == 3 && weight.shape[3] == 3 && x.shape[1] == weight.shape[1],
                     "conv2d of upsampled: input \(x.shape) does not fit 3×3 weight \(weight.shape)")
        let (n, h, w) = (x.shape[0], x.shape[2], x.shape[3])
        let (outChannels, inChannels) = (weight.shape[0], weight.shape[1])
        // [o·i, 9] · [9, 4 phases · 2 · 2] → [4·o, i, 2, 2], phase-major.
        let phaseKernels = weight.reshaped([outChannels * inChannels, 9]).matmul(upsamplingFold)
            .reshaped([outChannels, inChannels, 4, 2, 2]).permuted([2, 0, 1, 3, 4]).reshaped([4 * outChannels, inChannels, 2, 2])
        let phases = conv2d(x, weight: phaseKernels, padding: (1, 1))   // [n, 4·o, h + 1, w + 1]
        let y = phases.applying(phaseInterleaving(batch: n, channels: outChannels, height: h, width: w))
        return bias.map { y + $0.reshaped([1, outChannels, 1, 1]) } ?? y
    }

    /// `conv2d(x, weight, bias, padding: (1, 1)).avgPool2d(kernel: (2, 2))` for 3×3 weights and
    /// an even-sized x [n, c_in, h, w] → [n, c_out, h/2, w/2].
    ///
    /// Averaging four neighbouring outputs of a 3×3 convolution is one 4×4 convolution with
    /// stride 2, whose taps are a quarter of the sums of the 3×3 taps that reach them: 16
    /// multiply-adds per pooled pixel and input channel where the unfused convolution does 36.
    public static func avgPooledConv2d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil) -> Tensor {
        precondition(x.rank == 4 && weight.rank == 4 && weight.shape[2] == 3 && weight.shape[3] == 3 && x.shape[1] == weight.shape[1],
                     "avg-pooled conv2d: input \(x.shape) does not fit 3×3 weight \(weight.shape)")
        precondition(x.shape[2] % 2 == 0 && x.shape[3] % 2 == 0, "avg-pooled conv2d: the input's height and width must be even, got \(x.shape)")
        let kernels = weight.reshaped([weight.shape[0] * weight.shape[1], 9]).matmul(poolingFold)
            .reshaped([weight.shape[0], weight.shape[1], 4, 4])
        return conv2d(x, weight: kernels, bias: bias, stride: (2, 2), padding: (1, 1))
    }

    /// [9, 16]: 3×3 tap (dy, dx) → tap (u, v) of the 2×2 kernel of phase (a, b), columns ordered
    /// (a, b, u, v). Along one axis, phase 0 reads rows i-1 (tap 0) and i (taps 1 and 2), phase 1
    /// reads rows i (taps 0 and 1) and i+1 (tap 2), where the padded 2×2 convolution's output
    /// i + phase sits.
    private static var upsamplingFold: Tensor {
        let taps: [[ClosedRange<Int>]] = [[0...0, 1...2], [0...1, 2...2]]   // [phase][u] → 3×3 taps
        var m = [Float](repeating: 0, count: 9 * 16)
        for dy in 0..<3 {
            for dx in 0..<3 {
                for a in 0..<2 {
                    for b in 0..<2 {
                        for u in 0..<2 where taps[a][u].contains(dy) {
                            for v in 0..<2 where taps[b][v].contains(dx) {
                                let row: Int = dy * 3 + dx, column: Int = ((a * 2 + b) * 2 + u) * 2 + v
                                m[row * 16 + column] = 1
                            }
                        }
                    }
                }
            }
        }
        return Tensor(m, shape: [9, 16])
    }

    /// [9, 16]: 3×3 tap (dy, dx) → 4×4 tap (u, v) = (a + dy, b + dx) for the pooled offsets
    /// a, b ∈ {0, 1}, each with weight 1/4.
    private static var poolingFold: Tensor {
        var m = [Float](repeating: 0, count: 9 * 16)
        for dy in 0..<3 {
            for dx in 0..<3 {
                for a in 0..<2 {
                    for b in 0..<2 {
                        let row: Int = dy * 3 + dx, column: Int = (a + dy) * 4 + b + dx
                        m[row * 16 + column] += 0.25
                    }
                }
            }
        }
        return Tensor(m, shape: [9, 16])
    }

    /// The gather from the stacked phases [n, 4·c, h + 1, w + 1] to the interleaved image
    /// [n, c, 2h, 2w]: output (2i + a, 2j + b) of channel o is phase (a, b)'s channel o at
    /// (i + a, j + b).
    private static func phaseInterleaving(batch: Int, channels: Int, height h: Int, width w: Int) -> SparseLinearMap {
        let input = [batch, 4 * channels, h + 1, w + 1], output = [batch, channels, 2 * h, 2 * w]
        return SparseLinearMap.cached(input: input, output: output, planeAxes: 1, parameters: "phase interleaving",
                                      termsPerOutput: 1) {
            var indices = [Int64](repeating: 0, count: channels * 4 * h * w)
            var t = 0
            for o in 0..<channels {
                for y in 0..<(2 * h) {
                    for x in 0..<(2 * w) {
                        let (a, b) = (y % 2, x % 2)
                        let channel = (a * 2 + b) * channels + o
                        indices[t] = Int64((channel * (h + 1) + y / 2 + a) * (w + 1) + x / 2 + b)
                        t += 1
                    }
                }
            }
            return (indices, nil)
        }
    }
}
