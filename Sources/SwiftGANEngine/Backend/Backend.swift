import SwiftGANKernels
/// The kernels that tensor operations run on. Every op reaches compute through this one
/// interface, so another device (a CUDA backend) is one more conformance, not a rewrite.
///
/// Pointers are to contiguous Float32 buffers; shapes and strides count elements.
public protocol ComputeBackend: AnyObject {
    var name: String { get }
    /// C = alpha * op(A) * op(B) + beta * C for row-major matrices; op transposes when asked.
    func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
              a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
              beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int)
    /// C[i] = op(A[i]) * op(B[i]) for `batch` packed row-major matrices: A [batch, m, k] (stored
    /// [batch, k, m] when transposed), B [batch, k, n] (stored [batch, n, k]), C [batch, m, n].
    /// The batch runs on the compute pool.
    func batchedGemm(batch: Int, transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                     a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>)
    func unary(_ op: UnaryKernel, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
               count: Int, _ a: Float, _ b: Float)
    func binary(_ op: BinaryKernel, shape: [Int], _ a: UnsafePointer<Float>, strides aStrides: [Int],
                _ b: UnsafePointer<Float>, strides bStrides: [Int], into out: UnsafeMutablePointer<Float>)
    /// out[i] = a[i · aStride] op b[i · bStride] for i < count: the same-shape and scalar cases,
    /// with no arrays to build (strides are 1, or 0 for a scalar operand).
    func binary(_ op: BinaryKernel, count: Int, _ a: UnsafePointer<Float>, stride aStride: Int,
                _ b: UnsafePointer<Float>, stride bStride: Int, into out: UnsafeMutablePointer<Float>)
    func copy(shape: [Int], from src: UnsafePointer<Float>, strides srcStrides: [Int],
              to dst: UnsafeMutablePointer<Float>, strides dstStrides: [Int])
    /// y[o, i] = sum over k of x[o, k, i].
    func sum(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, outer: Int, reduced: Int, inner: Int)
    func fill(_ x: UnsafeMutablePointer<Float>, count: Int, value: Float)
    func convolutionForward(_ g: ConvGeometry, src: UnsafePointer<Float>, weights: UnsafePointer<Float>,
                            dst: UnsafeMutablePointer<Float>)
    func convolutionBackwardData(_ g: ConvGeometry, diffDst: UnsafePointer<Float>, weights: UnsafePointer<Float>,
                                 diffSrc: UnsafeMutablePointer<Float>)
    func convolutionBackwardWeights(_ g: ConvGeometry, src: UnsafePointer<Float>, diffDst: UnsafePointer<Float>,
                                    diffWeights: UnsafeMutablePointer<Float>)
    /// Training-mode batch norm of x viewed as [n, c, spatial]; writes y and per-channel mean,
    /// 1/√(var + eps) and biased variance.
    func batchNormForward(_ x: UnsafePointer<Float>, n: Int, channels: Int, spatial: Int, gamma: UnsafePointer<Float>?,
                          beta: UnsafePointer<Float>?, eps: Float, y: UnsafeMutablePointer<Float>,
                          mean: UnsafeMutablePointer<Float>, invstd: UnsafeMutablePointer<Float>, variance: UnsafeMutablePointer<Float>)
    /// Its first-order gradient (any output may be nil).
    func batchNormBackward(_ g: UnsafePointer<Float>, x: UnsafePointer<Float>, n: Int, channels: Int, spatial: Int,
                           mean: UnsafePointer<Float>, invstd: UnsafePointer<Float>, gamma: UnsafePointer<Float>?,
                           dx: UnsafeMutablePointer<Float>?, dgamma: UnsafeMutablePointer<Float>?, dbeta: UnsafeMutablePointer<Float>?)
    /// For each of `planes` planes p (of `inputPlaneSize` inputs and `outputsPerPlane` outputs):
    /// out[p, i] = Σ_j w[i·k + j] · src[p, idx[i·k + j]] (w nil: all 1; index -1: skipped); the
    /// table is one plane's when `shared`, else [planes, outputsPerPlane, k].
    func sparseGather(_ src: UnsafePointer<Float>, indices: UnsafePointer<Int64>, weights: UnsafePointer<Float>?,
                      termsPerOutput k: Int, outputsPerPlane: Int, planes: Int, inputPlaneSize: Int, shared: Bool,
                      into out: UnsafeMutablePointer<Float>)
    /// The transpose: dst (zeroed) += w · g at the indexed places.
    func sparseScatter(_ g: UnsafePointer<Float>, indices: UnsafePointer<Int64>, weights: UnsafePointer<Float>?,
                       termsPerOutput k: Int, outputsPerPlane: Int, planes: Int, inputPlaneSize: Int, shared: Bool,
                       into dst: UnsafeMutablePointer<Float>)
    /// The index within its plane of each max-pooling window's first maximum (-1: empty window).
    func maxPoolIndices(_ x: UnsafePointer<Float>, planes: Int, height: Int, width: Int, outputHeight: Int, outputWidth: Int,
                        kernel: (Int, Int), stride: (Int, Int), padding: (Int, Int), dilation: (Int, Int),
                        into indices: UnsafeMutablePointer<Int64>)
    /// y[o, i] = max over k of x[o, k, i].
    func max(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, outer: Int, reduced: Int, inner: Int)
    func randomUniform(key: UInt64, offset: UInt64, into out: UnsafeMutablePointer<Float>, count: Int,
                       low: Float, high: Float)
    func randomNormal(key: UInt64, offset: UInt64, into out: UnsafeMutablePointer<Float>, count: Int,
                      mean: Float, std: Float)
    /// Raw 32-bit words of the same counter-based stream (integers, permutations).
    func randomBits(key: UInt64, offset: UInt64, into out: UnsafeMutablePointer<UInt32>, count: Int)

    /// One `torch.optim.Adam` step of `count` parameters in place; `step` counts from 1.
    func adam(_ p: UnsafeMutablePointer<Float>, gradient g: UnsafePointer<Float>, m: UnsafeMutablePointer<Float>,
              v: UnsafeMutablePointer<Float>, count: Int, learningRate: Float, betas: (Float, Float), eps: Float,
              weightDecay: Float, step: Int)
    /// One `torch.optim.SGD` step in place; `first` on the first step (the buffer takes the gradient).
    func sgd(_ p: UnsafeMutablePointer<Float>, gradient g: UnsafePointer<Float>, momentumBuffer: UnsafeMutablePointer<Float>,
             count: Int, learningRate: Float, momentum: Float, dampening: Float, weightDecay: Float, nesterov: Bool, first: Bool)
    /// One `torch.optim.RMSprop` step in place.
    func rmsprop(_ p: UnsafeMutablePointer<Float>, gradient g: UnsafePointer<Float>, squareAverage: UnsafeMutablePointer<Float>,
                 momentumBuffer: UnsafeMutablePointer<Float>, gradientAverage: UnsafeMutablePointer<Float>, count: Int,
                 learningRate: Float, alpha: Float, eps: Float, weightDecay: Float, momentum: Float, centered: Bool)
}

/// Unary elementwise kernels (the parameters `a`, `b` are the op's scalars).
public enum UnaryKernel: Int32 {
    case negate = 0, exp, log, sqrt, tanh, sigmoid, relu, abs, softplus, sign
    case leakyReLU, pow, clamp, affine, greaterThan, inRange, leakySlope, reciprocal
}

/// Binary elementwise kernels with broadcasting.
public enum BinaryKernel: Int32 {
    case add = 0, subtract, multiply, divide, maximum, minimum, greater, greaterEqual, equal
}

/// Where tensor operations run.
public enum Backend {
    /// The backend every operation uses; the CPU (oneDNN and SwiftGAN's C kernels) by default.
    nonisolated(unsafe) public static var current: ComputeBackend = CPUBackend()

    /// The threads the CPU backend's compute pool runs on.
    public static var computeThreads: Int { Int(sg_compute_threads()) }

    /// Sets the threads of the compute pool for work started from the calling thread afterwards
    /// (what `OMP_NUM_THREADS` sets at start). Set it before the first convolution: oneDNN sizes
    /// its kernels when it first creates them. Returns the threads now in effect.
    @discardableResult
    public static func setComputeThreads(_ threads: Int) -> Int { Int(sg_set_compute_threads(Int64(threads))) }

    /// The version of the CPU backend's oneDNN library.
    public static var oneDNNVersion: String { DNNL.version }
}
