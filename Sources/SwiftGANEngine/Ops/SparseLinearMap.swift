/// A fixed linear map where each output is a weighted sum of a few input elements. Pooling,
/// upsampling, embedding lookups and max-pool routing are all such maps, so they share one
/// forward kernel, one transpose kernel, and gradients of any order: the gradient of a map is
/// its transpose, and the transpose's gradient is the map.
public final class SparseLinearMap {
    public let inputShape: [Int]
    public let outputShape: [Int]
    public let termsPerOutput: Int
    /// Flat input index of each term (-1: no term, as for padding).
    public let indices: [Int64]
    /// Weight of each term; nil means every weight is 1.
    public let weights: [Float]?

    public init(inputShape: [Int], outputShape: [Int], termsPerOutput: Int, indices: [Int64], weights: [Float]? = nil) {
        precondition(indices.count == outputShape.reduce(1, *) * termsPerOutput, "sparse map: wrong number of indices")
        precondition(weights == nil || weights!.count == indices.count, "sparse map: wrong number of weights")
        self.inputShape = inputShape
        self.outputShape = outputShape
        self.termsPerOutput = termsPerOutput
        self.indices = indices
        self.weights = weights
    }
}

extension Tensor {
    /// The map applied to this tensor (of the map's input shape).
    public func applying(_ map: SparseLinearMap) -> Tensor {
        precondition(shape == map.inputShape, "sparse map expects \(map.inputShape), got \(shape)")
        let out = Tensor(uninitializedShape: map.outputShape)
        map.indices.withUnsafeBufferPointer { idx in
            if let w = map.weights {
                w.withUnsafeBufferPointer { Backend.current.sparseGather(storage.pointer, indices: idx.baseAddress!, weights: $0.baseAddress,
                                                                          termsPerOutput: map.termsPerOutput, outputCount: out.count, into: out.storage.pointer) }
            } else {
                Backend.current.sparseGather(storage.pointer, indices: idx.baseAddress!, weights: nil,
                                             termsPerOutput: map.termsPerOutput, outputCount: out.count, into: out.storage.pointer)
            }
        }
        return Tensor.record(out, op: "sparse_map", inputs: [self]) { g, _, _ in [g.applyingTranspose(map)] }
    }

    /// The transpose of the map applied to this tensor (of the map's output shape).
    public func applyingTranspose(_ map: SparseLinearMap) -> Tensor {
        precondition(shape == map.outputShape, "sparse map transpose expects \(map.outputShape), got \(shape)")
        let out = Tensor.zeros(map.inputShape)
        map.indices.withUnsafeBufferPointer { idx in
            if let w = map.weights {
                w.withUnsafeBufferPointer { Backend.current.sparseScatter(storage.pointer, indices: idx.baseAddress!, weights: $0.baseAddress,
                                                                           termsPerOutput: map.termsPerOutput, outputCount: count, into: out.storage.pointer) }
            } else {
                Backend.current.sparseScatter(storage.pointer, indices: idx.baseAddress!, weights: nil,
                                              termsPerOutput: map.termsPerOutput, outputCount: count, into: out.storage.pointer)
            }
        }
        return Tensor.record(out, op: "sparse_map_transpose", inputs: [self]) { g, _, _ in [g.applying(map)] }
    }
}
