import SwiftGANEngine

/// The diversity of a batch: the mean Euclidean distance between all pairs of samples. A
/// collapsing generator's fixed-z panel loses it; the same number on real data is the
/// reference.
public enum Diversity {
    public static func meanPairwiseDistance(_ samples: Tensor) -> Float {
        let n = samples.shape[0]
        precondition(n > 1, "diversity needs at least two samples")
        let flat = samples.reshaped([n, -1])
        return withNoGrad {
            let squares = flat.pow(2).sum(axis: 1)                    // [n]
            let gram = flat.matmul(flat, transposeOther: true)        // [n, n]
            let d2 = (squares.reshaped([n, 1]) + squares.reshaped([1, n]) - gram * 2).clamp(min: 0)
            let total = d2.sqrt().sum().item                          // diagonal is 0
            return total / Float(n * (n - 1))
        }
    }
}
