import SwiftGANDNNL
import SwiftGANKernels

/// The CPU backend: GEMM through oneDNN, everything else through SwiftGAN's multiversioned C
/// kernels.
public final class CPUBackend: ComputeBackend {
    public let name = "cpu"
    public init() {}

    public func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                     a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                     beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        DNNL.sgemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                   a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    }

    public func batchedGemm(batch: Int, transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                            a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>) {
        DNNL.batchedMatmul(batch: batch, transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, a: a, b: b, c: c)
    }

    public func unary(_ op: UnaryKernel, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                      count: Int, _ a: Float, _ b: Float) {
        sg_unary(op.rawValue, x, y, Int64(count), a, b)
    }

    public func binary(_ op: BinaryKernel, shape: [Int], _ a: UnsafePointer<Float>, strides aStrides: [Int],
                       _ b: UnsafePointer<Float>, strides bStrides: [Int], into out: UnsafeMutablePointer<Float>) {
        withInt64(shape, aStrides, bStrides) { dims, sa, sb in
            sg_binary(op.rawValue, Int32(shape.count), dims, a, sa, b, sb, out)
        }
    }

    public func binary(_ op: BinaryKernel, count: Int, _ a: UnsafePointer<Float>, stride aStride: Int,
                       _ b: UnsafePointer<Float>, stride bStride: Int, into out: UnsafeMutablePointer<Float>) {
        var n = Int64(count), sa = Int64(aStride), sb = Int64(bStride)
        sg_binary(op.rawValue, 1, &n, a, &sa, b, &sb, out)
    }

    public func copy(shape: [Int], from src: UnsafePointer<Float>, strides srcStrides: [Int],
                     to dst: UnsafeMutablePointer<Float>, strides dstStrides: [Int]) {
        withInt64(shape, srcStrides, dstStrides) { dims, ss, ds in
            sg_copy_strided(Int32(shape.count), dims, src, ss, dst, ds)
        }
    }

    /// Three Int arrays as the C kernels' int64_t arrays, without copying (Int is 64 bits here).
    private func withInt64(_ x: [Int], _ y: [Int], _ z: [Int],
                           _ body: (UnsafePointer<Int64>, UnsafePointer<Int64>, UnsafePointer<Int64>) -> Void) {
        x.withUnsafeBufferPointer { x in
            y.withUnsafeBufferPointer { y in
                z.withUnsafeBufferPointer { z in
                    x.withMemoryRebound(to: Int64.self) { x in
                        y.withMemoryRebound(to: Int64.self) { y in
                            z.withMemoryRebound(to: Int64.self) { z in body(x.baseAddress!, y.baseAddress!, z.baseAddress!) }
                        }
                    }
                }
            }
        }
    }

    public func sum(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, outer: Int, reduced: Int, inner: Int) {
        sg_reduce_sum(x, y, Int64(outer), Int64(reduced), Int64(inner))
    }

    public func fill(_ x: UnsafeMutablePointer<Float>, count: Int, value: Float) {
        sg_fill(x, Int64(count), value)
    }

    public func randomUniform(key: UInt64, offset: UInt64, into out: UnsafeMutablePointer<Float>, count: Int,
                              low: Float, high: Float) {
        sg_philox_uniform(key, offset, out, Int64(count), low, high)
    }

    public func randomNormal(key: UInt64, offset: UInt64, into out: UnsafeMutablePointer<Float>, count: Int,
                             mean: Float, std: Float) {
        sg_philox_normal(key, offset, out, Int64(count), mean, std)
    }

    public func randomBits(key: UInt64, offset: UInt64, into out: UnsafeMutablePointer<UInt32>, count: Int) {
        sg_philox_bits(key, offset, out, Int64(count))
    }

    public func adam(_ p: UnsafeMutablePointer<Float>, gradient g: UnsafePointer<Float>, m: UnsafeMutablePointer<Float>,
                     v: UnsafeMutablePointer<Float>, count: Int, learningRate: Float, betas: (Float, Float), eps: Float,
                     weightDecay: Float, step: Int) {
        sg_adam(p, g, m, v, Int64(count), learningRate, betas.0, betas.1, eps, weightDecay, Int64(step))
    }

    public func sgd(_ p: UnsafeMutablePointer<Float>, gradient g: UnsafePointer<Float>, momentumBuffer: UnsafeMutablePointer<Float>,
                    count: Int, learningRate: Float, momentum: Float, dampening: Float, weightDecay: Float, nesterov: Bool, first: Bool) {
        sg_sgd(p, g, momentumBuffer, Int64(count), learningRate, momentum, dampening, weightDecay, nesterov ? 1 : 0, first ? 1 : 0)
    }

    public func rmsprop(_ p: UnsafeMutablePointer<Float>, gradient g: UnsafePointer<Float>, squareAverage: UnsafeMutablePointer<Float>,
                        momentumBuffer: UnsafeMutablePointer<Float>, gradientAverage: UnsafeMutablePointer<Float>, count: Int,
                        learningRate: Float, alpha: Float, eps: Float, weightDecay: Float, momentum: Float, centered: Bool) {
        sg_rmsprop(p, g, squareAverage, momentumBuffer, gradientAverage, Int64(count), learningRate, alpha, eps, weightDecay,
                   momentum, centered ? 1 : 0)
    }

    public func convolutionForward(_ g: ConvGeometry, src: UnsafePointer<Float>, weights: UnsafePointer<Float>,
                                   dst: UnsafeMutablePointer<Float>) {
        var c = g.c
        DNNL.check(sg_dnnl_conv_forward(&c, src, weights, nil, dst), "convolution forward", g)
    }

    public func convolutionBackwardData(_ g: ConvGeometry, diffDst: UnsafePointer<Float>, weights: UnsafePointer<Float>,
                                        diffSrc: UnsafeMutablePointer<Float>) {
        var c = g.c
        DNNL.check(sg_dnnl_conv_backward_data(&c, diffDst, weights, diffSrc), "convolution backward data", g)
    }

    public func convolutionBackwardWeights(_ g: ConvGeometry, src: UnsafePointer<Float>, diffDst: UnsafePointer<Float>,
                                           diffWeights: UnsafeMutablePointer<Float>) {
        var c = g.c
        DNNL.check(sg_dnnl_conv_backward_weights(&c, src, diffDst, diffWeights, nil), "convolution backward weights", g)
    }

    public func sparseGather(_ src: UnsafePointer<Float>, indices: UnsafePointer<Int64>, weights: UnsafePointer<Float>?,
                             termsPerOutput k: Int, outputsPerPlane: Int, planes: Int, inputPlaneSize: Int, shared: Bool,
                             into out: UnsafeMutablePointer<Float>) {
        sg_sparse_gather(src, indices, weights, Int64(k), Int64(outputsPerPlane), Int64(planes), Int64(inputPlaneSize), shared ? 1 : 0, out)
    }

    public func sparseScatter(_ g: UnsafePointer<Float>, indices: UnsafePointer<Int64>, weights: UnsafePointer<Float>?,
                              termsPerOutput k: Int, outputsPerPlane: Int, planes: Int, inputPlaneSize: Int, shared: Bool,
                              into dst: UnsafeMutablePointer<Float>) {
        sg_sparse_scatter(g, indices, weights, Int64(k), Int64(outputsPerPlane), Int64(planes), Int64(inputPlaneSize), shared ? 1 : 0, dst)
    }

    public func maxPoolIndices(_ x: UnsafePointer<Float>, planes: Int, height: Int, width: Int, outputHeight: Int, outputWidth: Int,
                               kernel: (Int, Int), stride: (Int, Int), padding: (Int, Int), dilation: (Int, Int),
                               into indices: UnsafeMutablePointer<Int64>) {
        sg_max_pool2d_indices(x, Int64(planes), Int64(height), Int64(width), Int64(outputHeight), Int64(outputWidth),
                              Int64(kernel.0), Int64(kernel.1), Int64(stride.0), Int64(stride.1), Int64(padding.0), Int64(padding.1),
                              Int64(dilation.0), Int64(dilation.1), indices)
    }

    public func max(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, outer: Int, reduced: Int, inner: Int) {
        sg_reduce_max(x, y, Int64(outer), Int64(reduced), Int64(inner))
    }

    public func batchNormForward(_ x: UnsafePointer<Float>, n: Int, channels: Int, spatial: Int, gamma: UnsafePointer<Float>?,
                                 beta: UnsafePointer<Float>?, eps: Float, y: UnsafeMutablePointer<Float>,
                                 mean: UnsafeMutablePointer<Float>, invstd: UnsafeMutablePointer<Float>, variance: UnsafeMutablePointer<Float>) {
        sg_batch_norm_forward(x, Int64(n), Int64(channels), Int64(spatial), gamma, beta, eps, y, mean, invstd, variance)
    }

    public func batchNormBackward(_ g: UnsafePointer<Float>, x: UnsafePointer<Float>, n: Int, channels: Int, spatial: Int,
                                  mean: UnsafePointer<Float>, invstd: UnsafePointer<Float>, gamma: UnsafePointer<Float>?,
                                  dx: UnsafeMutablePointer<Float>?, dgamma: UnsafeMutablePointer<Float>?, dbeta: UnsafeMutablePointer<Float>?) {
        sg_batch_norm_backward(g, x, Int64(n), Int64(channels), Int64(spatial), mean, invstd, gamma, dx, dgamma, dbeta)
    }
}
