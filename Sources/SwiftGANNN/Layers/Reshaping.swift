import SwiftGANEngine

/// Merges dimensions `startDim...endDim` into one, like `torch.nn.Flatten` (default: all but
/// the batch dimension).
public final class Flatten: Module, UnaryLayer {
    public let startDim: Int, endDim: Int
    public init(startDim: Int = 1, endDim: Int = -1) {
        self.startDim = startDim
        self.endDim = endDim
        super.init()
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        let s = startDim < 0 ? startDim + x.rank : startDim, e = endDim < 0 ? endDim + x.rank : endDim
        let merged = x.shape[s...e].reduce(1, *)
        return x.reshaped(Array(x.shape[..<s]) + [merged] + Array(x.shape[(e + 1)...]))
    }
}

/// Splits dimension `dim` into `sizes`, like `torch.nn.Unflatten`.
public final class Unflatten: Module, UnaryLayer {
    public let dim: Int, sizes: [Int]
    public init(dim: Int, sizes: [Int]) {
        self.dim = dim
        self.sizes = sizes
        super.init()
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        let d = dim < 0 ? dim + x.rank : dim
        return x.reshaped(Array(x.shape[..<d]) + sizes + Array(x.shape[(d + 1)...]))
    }
}
