import Foundation

/// A fixed linear map where each output is a weighted sum of a few input elements. Pooling,
/// upsampling, embedding lookups and max-pool routing are all such maps, so they share one
/// forward kernel, one transpose kernel, and gradients of any order: the gradient of a map is
/// its transpose, and the transpose's gradient is the map.
///
/// A map may act plane by plane: the input and output are `planes` equal planes (the n·c images
/// of [n, c, h, w]) and the table describes one plane, shared by all (pooling and upsampling,
/// whose table depends on the shape alone), or has one part per plane (max pooling); indices
/// count from the start of their plane. Planes run in parallel on the compute pool, the
/// transpose included.
public final class SparseLinearMap {
    public let inputShape: [Int]
    public let outputShape: [Int]
    public let termsPerOutput: Int
    /// The number of planes the map acts on separately (1: the whole tensor is one plane).
    public let planes: Int
    /// Input index of each term within its plane (-1: no term, as for padding).
    public let indices: [Int64]
    /// Weight of each term; nil means every weight is 1.
    public let weights: [Float]?
    /// Whether one plane's table serves every plane.
    public let shared: Bool

    public init(inputShape: [Int], outputShape: [Int], termsPerOutput: Int, indices: [Int64], weights: [Float]? = nil,
                planes: Int = 1) {
        let outputs = outputShape.reduce(1, *), inputs = inputShape.reduce(1, *)
        precondition(planes > 0 && outputs % planes == 0 && inputs % planes == 0, "sparse map: \(planes) planes do not divide the shapes")
        let perPlane = outputs / planes * termsPerOutput
        precondition(indices.count == perPlane || indices.count == perPlane * planes, "sparse map: wrong number of indices")
        precondition(weights == nil || weights!.count == indices.count, "sparse map: wrong number of weights")
        self.inputShape = inputShape
        self.outputShape = outputShape
        self.termsPerOutput = termsPerOutput
        self.planes = planes
        self.indices = indices
        self.weights = weights
        shared = indices.count == perPlane
    }

    /// A plane-by-plane map of [n, c, h, w] whose one-plane table depends only on the plane
    /// sizes and `parameters` (pooling, upsampling): the table is built by `make` once per
    /// distinct geometry and kept, so the loop that builds it does not run on every call.
    static func planewise(input: [Int], output: [Int], parameters: String, termsPerOutput: Int,
                          make: () -> (indices: [Int64], weights: [Float]?)) -> SparseLinearMap {
        cached(input: input, output: output, planeAxes: 2, parameters: parameters, termsPerOutput: termsPerOutput, make: make)
    }

    /// A map acting separately on each plane: the input's and output's first `planeAxes`
    /// dimensions count the planes. Its one-plane table depends only on the other dimensions
    /// and `parameters`, so it is built by `make` once per distinct geometry and kept.
    static func cached(input: [Int], output: [Int], planeAxes: Int, parameters: String, termsPerOutput: Int,
                       make: () -> (indices: [Int64], weights: [Float]?)) -> SparseLinearMap {
        let planes = input[..<planeAxes].reduce(1, *)
        let key = "\(input[planeAxes...])→\(output[planeAxes...]) \(parameters)"
        let table = tableCache.lock.withLock { tableCache.tables[key] } ?? {
            let made = make()
            tableCache.lock.withLock { tableCache.tables[key] = made }
            return made
        }()
        return SparseLinearMap(inputShape: input, outputShape: output, termsPerOutput: termsPerOutput, indices: table.indices,
                               weights: table.weights, planes: planes)
    }

    /// One-plane tables by geometry. They are small (one plane's outputs times the terms) and a
    /// program meets few geometries, so they are kept for the life of the process.
    private static let tableCache = TableCache()

    private final class TableCache: @unchecked Sendable {
        let lock = NSLock()
        var tables: [String: (indices: [Int64], weights: [Float]?)] = [:]
    }
}

extension Tensor {
    /// The map applied to this tensor (of the map's input shape).
    public func applying(_ map: SparseLinearMap) -> Tensor { applying(map, detail: .map(map)) }

    /// The map applied, recorded for an `OpTrace` as what `detail` says it is (max pooling, whose
    /// table depends on the data, says so rather than exporting one input's table).
    func applying(_ map: SparseLinearMap, detail: @autoclosure () -> OpDetail) -> Tensor {
        precondition(shape == map.inputShape, "sparse map expects \(map.inputShape), got \(shape)")
        let out = Tensor(uninitializedShape: map.outputShape)
        withTable(of: map) { idx, w in
            Backend.current.sparseGather(storage.pointer, indices: idx, weights: w, termsPerOutput: map.termsPerOutput,
                                         outputsPerPlane: out.count / map.planes, planes: map.planes,
                                         inputPlaneSize: count / map.planes, shared: map.shared, into: out.storage.pointer)
        }
        return Tensor.record(out, op: "sparse_map", inputs: [self], detail: detail()) { g, _, _ in [g.applyingTranspose(map)] }
    }

    /// The transpose of the map applied to this tensor (of the map's output shape).
    public func applyingTranspose(_ map: SparseLinearMap) -> Tensor {
        precondition(shape == map.outputShape, "sparse map transpose expects \(map.outputShape), got \(shape)")
        let out = Tensor.zeros(map.inputShape)
        withTable(of: map) { idx, w in
            Backend.current.sparseScatter(storage.pointer, indices: idx, weights: w, termsPerOutput: map.termsPerOutput,
                                          outputsPerPlane: count / map.planes, planes: map.planes,
                                          inputPlaneSize: out.count / map.planes, shared: map.shared, into: out.storage.pointer)
        }
        return Tensor.record(out, op: "sparse_map_transpose", inputs: [self]) { g, _, _ in [g.applying(map)] }
    }

    private func withTable(of map: SparseLinearMap, _ body: (UnsafePointer<Int64>, UnsafePointer<Float>?) -> Void) {
        map.indices.withUnsafeBufferPointer { idx in
            if let w = map.weights {
                w.withUnsafeBufferPointer { body(idx.baseAddress!, $0.baseAddress) }
            } else {
                body(idx.baseAddress!, nil)
            }
        }
    }
}
