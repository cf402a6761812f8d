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
        let dims = shape.map(Int64.init), sa = aStrides.map(Int64.init), sb = bStrides.map(Int64.init)
        sg_binary(op.rawValue, Int32(shape.count), dims, a, sa, b, sb, out)
    }

    public func copy(shape: [Int], from src: UnsafePointer<Float>, strides srcStrides: [Int],
                     to dst: UnsafeMutablePointer<Float>, strides dstStrides: [Int]) {
        let dims = shape.map(Int64.init), ss = srcStrides.map(Int64.init), ds = dstStrides.map(Int64.init)
        sg_copy_strided(Int32(shape.count), dims, src, ss, dst, ds)
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
