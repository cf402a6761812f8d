import SwiftGANEngine

/// The diversity of a batch: the mean Euclidean distance between all pairs of samples. A
/// collapsing generator's fixed-z panel loses it; the same number on real data is the
/// reference.
///
/// A conditional generator can collapse within each class while its panel, which spans the
/// classes, still looks diverse (every "3" the same "3"). With `groups` (the class of each
/// sample) the diversity is measured within each group and averaged over the groups that
/// have two or more samples, so that collapse shows.
public enum Diversity {
    public static func meanPairwiseDistance(_ samples: Tensor, groups: [Int]? = nil) -> Float {
        let n = samples.shape[0]
        let flat = samples.reshaped([n, -1])
        guard let groups else { return meanPairwiseDistance(flat) }
        precondition(groups.count == n, "diversity: \(groups.count) groups for \(n) samples")
        // In group order, so the float sum (and the log) is the same in every process.
        let members = Dictionary(grouping: 0..<n, by: { groups[$0] }).sorted { $0.key < $1.key }.map(\.value).filter { $0.count > 1 }
        precondition(!members.isEmpty, "diversity within groups needs a group with at least two samples")
        let total = members.reduce(Float(0)) { sum, rows in sum + meanPairwiseDistance(flat.rows(rows)) }
        return total / Float(members.count)
    }

    private static func meanPairwiseDistance(_ flat: Tensor) -> Float {
        let n = flat.shape[0]
        precondition(n > 1, "diversity needs at least two samples")
        return withNoGrad {
            let squares = flat.pow(2).sum(axis: 1)                    // [n]
            let gram = flat.matmul(flat, transposeOther: true)        // [n, n]
            let d2 = (squares.reshaped([n, 1]) + squares.reshaped([1, n]) - gram * 2).clamp(min: 0)
            let total = d2.sqrt().sum().item                          // diagonal is 0
            return total / Float(n * (n - 1))
        }
    }
}
