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
    func unary(_ op: UnaryKernel, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
               count: Int, _ a: Float, _ b: Float)
    func binary(_ op: BinaryKernel, shape: [Int], _ a: UnsafePointer<Float>, strides aStrides: [Int],
                _ b: UnsafePointer<Float>, strides bStrides: [Int], into out: UnsafeMutablePointer<Float>)
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
    /// out[i] = Σ_j w[i·k + j] · src[idx[i·k + j]] (w nil: all 1; index -1: skipped).
    func sparseGather(_ src: UnsafePointer<Float>, indices: UnsafePointer<Int64>, weights: UnsafePointer<Float>?,
                      termsPerOutput k: Int, outputCount: Int, into out: UnsafeMutablePointer<Float>)
    /// The transpose: dst (zeroed) += w · g at the indexed places.
    func sparseScatter(_ g: UnsafePointer<Float>, indices: UnsafePointer<Int64>, weights: UnsafePointer<Float>?,
                       termsPerOutput k: Int, outputCount: Int, into dst: UnsafeMutablePointer<Float>)
    func randomUniform(key: UInt64, offset: UInt64, into out: UnsafeMutablePointer<Float>, count: Int,
                       low: Float, high: Float)
    func randomNormal(key: UInt64, offset: UInt64, into out: UnsafeMutablePointer<Float>, count: Int,
                      mean: Float, std: Float)
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

    /// The version of the CPU backend's oneDNN library.
    public static var oneDNNVersion: String { DNNL.version }
}
