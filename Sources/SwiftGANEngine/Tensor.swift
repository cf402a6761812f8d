/// An n-dimensional array of Float32 values in contiguous row-major order that records the
/// operations applied to it, so gradients can flow back through them.
///
/// ```swift
/// let x = Tensor([[1, 2], [3, 4]])
/// let w = Tensor.randn([2, 3], generator: &rng, requiresGrad: true)
/// let loss = (x.matmul(w)).relu().mean()
/// let g = grad(of: loss, wrt: [w])[0]
/// ```
public final class Tensor {
    /// The size of each dimension; `[]` for a scalar.
    public let shape: [Int]
    /// The values, shared with tensors that are reshapes of this one.
    public let storage: TensorStorage
    /// The operation that made this tensor, when it was recorded for autograd.
    var node: GradNode?
    /// Marks a leaf whose gradient is wanted (a parameter or an input of `grad(of:wrt:)`).
    public var requiresGrad: Bool
    /// The gradient accumulated by `backward()`.
    public var grad: Tensor?

    public init(shape: [Int], storage: TensorStorage, requiresGrad: Bool = false) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in shape \(shape)")
        precondition(shape.reduce(1, *) == storage.count,
                     "shape \(shape) does not match \(storage.count) values")
        self.shape = shape
        self.storage = storage
        self.requiresGrad = requiresGrad
    }

    /// A tensor holding `values` with the given shape.
    public convenience init(_ values: [Float], shape: [Int], requiresGrad: Bool = false) {
        let storage = TensorStorage(uninitializedCount: values.count)
        values.withUnsafeBufferPointer { src in
            storage.pointer.update(from: src.baseAddress!, count: values.count)
        }
        self.init(shape: shape, storage: storage, requiresGrad: requiresGrad)
    }

    /// A 1-D tensor.
    public convenience init(_ values: [Float], requiresGrad: Bool = false) {
        self.init(values, shape: [values.count], requiresGrad: requiresGrad)
    }

    /// A 2-D tensor from rows of equal length.
    public convenience init(_ rows: [[Float]], requiresGrad: Bool = false) {
        let columns = rows.first?.count ?? 0
        precondition(rows.allSatisfy { $0.count == columns }, "rows of unequal length")
        self.init(rows.flatMap { $0 }, shape: [rows.count, columns], requiresGrad: requiresGrad)
    }

    /// A 0-dimensional tensor.
    public convenience init(scalar: Float, requiresGrad: Bool = false) {
        self.init([scalar], shape: [], requiresGrad: requiresGrad)
    }

    /// An uninitialized tensor, for kernels to write into.
    convenience init(uninitializedShape shape: [Int]) {
        self.init(shape: shape, storage: TensorStorage(uninitializedCount: shape.reduce(1, *)))
    }

    /// An uninitialized tensor whose size comes from user input: throws
    /// `TensorAllocationError` for a negative dimension, a size that overflows or memory that
    /// is not there, where the other initializers would stop the program.
    public convenience init(checkedUninitializedShape shape: [Int]) throws {
        var count = 1
        for dimension in shape {
            guard dimension >= 0 else { throw TensorAllocationError(count: dimension, reason: "negative dimension in shape \(shape)") }
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow else { throw TensorAllocationError(count: .max, reason: "shape \(shape) has more values than memory can address") }
            count = product
        }
        self.init(shape: shape, storage: try TensorStorage(checkedCount: count))
    }

    public static func zeros(_ shape: [Int], requiresGrad: Bool = false) -> Tensor {
        Tensor(shape: shape, storage: TensorStorage(zeros: shape.reduce(1, *)), requiresGrad: requiresGrad)
    }

    public static func full(_ shape: [Int], _ value: Float, requiresGrad: Bool = false) -> Tensor {
        let t = Tensor(uninitializedShape: shape)
        Backend.current.fill(t.storage.pointer, count: t.count, value: value)
        t.requiresGrad = requiresGrad
        return t
    }

    public static func ones(_ shape: [Int], requiresGrad: Bool = false) -> Tensor {
        full(shape, 1, requiresGrad: requiresGrad)
    }

    public static func zeros(like t: Tensor) -> Tensor { zeros(t.shape) }
    public static func ones(like t: Tensor) -> Tensor { ones(t.shape) }

    /// The number of elements.
    @inlinable public var count: Int { storage.count }
    /// The number of dimensions.
    public var rank: Int { shape.count }

    /// Calls `body` with the values in row-major order, keeping the tensor alive meanwhile.
    /// Prefer this to `storage.pointer` on a temporary: ARC may free a tensor right after its
    /// last use, and a pointer taken from it would then read reused memory.
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try withExtendedLifetime(self) { try body(UnsafeBufferPointer(storage.buffer)) }
    }

    /// The values as a flat array in row-major order.
    public var scalars: [Float] { Array(storage.buffer) }

    /// The value of a one-element tensor.
    public var item: Float {
        precondition(count == 1, "item needs a one-element tensor, not shape \(shape)")
        return storage.pointer[0]
    }

    /// Whether autograd follows this tensor: a leaf that requires grad or the result of a
    /// recorded operation.
    public var isTracked: Bool { requiresGrad || node != nil }

    /// The same values cut off from the graph (like `torch.Tensor.detach`); storage is shared.
    public func detached() -> Tensor { Tensor(shape: shape, storage: storage) }

    /// A copy of the values with its own storage, not recorded.
    public func copy() -> Tensor {
        let t = Tensor(uninitializedShape: shape)
        t.storage.pointer.update(from: storage.pointer, count: count)
        return t
    }

    /// Overwrites the values with those of `other` (same shape), in place and not recorded.
    public func assign(_ other: Tensor) {
        precondition(other.shape == shape, "assign: shape \(other.shape) into \(shape)")
        storage.pointer.update(from: other.storage.pointer, count: count)
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let shown = scalars.prefix(8).map { String($0) }.joined(separator: ", ")
        return "Tensor(shape: \(shape), [\(shown)\(count > 8 ? ", …" : "")])"
    }
}
