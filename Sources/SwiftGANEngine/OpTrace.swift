#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// What an exporter needs of an operation beyond its name, its inputs and its output's shape.
public enum OpDetail {
    case none
    /// Scalar operands: affine's (scale, shift), leaky ReLU's slope, pow's exponent, clamp's
    /// (min, max), rdiv's numerator.
    case scalars([Float])
    /// The axes a reduction summed over (its output's rank tells whether they were kept).
    case axes([Int])
    /// A permutation: result dimension i is input dimension `order[i]`.
    case order([Int])
    /// A slice `range` along `axis`.
    case slice(axis: Int, range: Range<Int>)
    /// Zeros added along `axis`.
    case pad(axis: Int, before: Int, after: Int)
    /// The axis tensors were joined along.
    case concat(axis: Int)
    /// Whether the first and second operand of a product were transposed.
    case transposes(Bool, Bool)
    /// A convolution's geometry (the forward convolution, for its adjoint too).
    case convolution(ConvGeometry)
    /// Batch statistics normalization: epsilon, and whether a weight and a bias follow x.
    case normalization(eps: Float, weight: Bool, bias: Bool)
    /// A fixed sparse linear map (gathers: upsampling, padding, embedding lookups, …).
    case map(SparseLinearMap)
    /// Max pooling (a sparse map whose table the data chose).
    case maxPool(kernel: (Int, Int), stride: (Int, Int), padding: (Int, Int), dilation: (Int, Int), ceilMode: Bool)
}

/// The operations a computation runs, in order, for exporting it as a graph (ONNX). Every op
/// that can be recorded for autograd is captured, recorded or not, with its inputs, its
/// output and an `OpDetail`; capturing costs nothing when no trace is running.
///
/// ```swift
/// let (images, trace) = OpTrace.capture { generator(z) }
/// for entry in trace.entries { print(entry.op, entry.output.shape) }
/// ```
///
/// Only the thread that runs the capture is traced; captures on other threads run side by side,
/// and a capture does not nest.
public final class OpTrace {
    /// One operation: its name (as autograd records it), its inputs, its output and detail.
    public struct Entry {
        public let op: String
        public let inputs: [Tensor]
        public let output: Tensor
        public let detail: OpDetail
    }

    /// The operations in the order they ran.
    public private(set) var entries: [Entry] = []

    /// How many captures run, on any thread: while none does, an op pays one relaxed load.
    private static let running = Atomic<Int>(0)
    /// Each thread's capture.
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        precondition(pthread_key_create(&key, nil) == 0, "OpTrace: no thread-specific key")
        return key
    }()

    /// The capture running on this thread, if any.
    static var active: OpTrace? {
        guard running.load(ordering: .relaxed) > 0, let pointer = pthread_getspecific(key) else { return nil }
        return Unmanaged<OpTrace>.fromOpaque(pointer).takeUnretainedValue()
    }

    private init() {}

    /// Runs `body`, capturing the operations it runs on this thread.
    public static func capture<R>(_ body: () throws -> R) rethrows -> (R, OpTrace) {
        precondition(pthread_getspecific(key) == nil, "OpTrace.capture does not nest")
        let trace = OpTrace()
        pthread_setspecific(key, Unmanaged.passUnretained(trace).toOpaque())
        running.add(1, ordering: .relaxed)
        defer {
            running.subtract(1, ordering: .relaxed)
            pthread_setspecific(key, nil)
        }
        return (try withExtendedLifetime(trace) { try body() }, trace)
    }

    func note(_ output: Tensor, op: String, inputs: [Tensor], detail: () -> OpDetail) {
        entries.append(Entry(op: op, inputs: inputs, output: output, detail: detail()))
    }
}
