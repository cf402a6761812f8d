/// Shape arithmetic shared by the ops.
public enum Shape {
    /// Row-major element strides of a contiguous tensor.
    public static func strides(of shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var step = 1
        for d in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[d] = step
            step *= shape[d]
        }
        return strides
    }

    /// The shape two shapes broadcast to under NumPy/PyTorch rules, or nil if they don't.
    public static func broadcast(_ a: [Int], _ b: [Int]) -> [Int]? {
        let rank = max(a.count, b.count)
        var result = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let x = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let y = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            guard x == y || x == 1 || y == 1 else { return nil }
            result[i] = x == 1 ? y : x
        }
        return result
    }

    /// Strides that read a tensor of `shape` as if it had `target` shape (0 on broadcast dims).
    static func broadcastStrides(_ shape: [Int], to target: [Int]) -> [Int] {
        let own = strides(of: shape)
        let offset = target.count - shape.count
        return (0..<target.count).map { i in
            i < offset || shape[i - offset] == 1 ? 0 : own[i - offset]
        }
    }

    /// Merges neighbouring dimensions that are contiguous in every stride set, so kernels loop
    /// over as few, as long, rows as possible.
    static func coalesce(_ shape: [Int], _ strideSets: [[Int]]) -> ([Int], [[Int]]) {
        var dims: [Int] = []
        var sets = [[Int]](repeating: [], count: strideSets.count)
        for d in 0..<shape.count where shape[d] != 1 {
            if let last = dims.last,
               strideSets.indices.allSatisfy({ sets[$0].last! == strideSets[$0][d] * shape[d] }) {
                dims[dims.count - 1] = last * shape[d]
                for s in strideSets.indices { sets[s][sets[s].count - 1] = strideSets[s][d] }
            } else {
                dims.append(shape[d])
                for s in strideSets.indices { sets[s].append(strideSets[s][d]) }
            }
        }
        if dims.isEmpty { return ([1], strideSets.map { _ in [1] }) }
        return (dims, sets)
    }

    /// Normalizes a possibly negative axis.
    static func axis(_ axis: Int, rank: Int) -> Int {
        let a = axis < 0 ? axis + rank : axis
        precondition(a >= 0 && a < max(rank, 1), "axis \(axis) out of range for rank \(rank)")
        return a
    }
}
