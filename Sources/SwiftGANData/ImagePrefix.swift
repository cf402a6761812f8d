import SwiftGANEngine

/// The first `count` images of a collection (with their labels): the limited-data setting of
/// ADA's and DiffAugment's experiments (`--train-images N`). The built-in datasets come in no
/// particular order of class, so a prefix is a fair sample of them; a folder sorted by class
/// is not.
public struct ImagePrefix: ImageCollection {
    public let base: any ImageCollection
    public let count: Int

    /// The first `count` images of `base` (`count` at most `base.count`).
    public init(_ base: any ImageCollection, count: Int) {
        precondition((1...base.count).contains(count), "ImagePrefix: \(count) of \(base.count) images")
        self.base = base
        self.count = count
    }

    public var imageShape: [Int] { base.imageShape }
    public var labels: [Int]? { base.labels.map { Array($0.prefix(count)) } }
    public var classNames: [String] { base.classNames }

    public func images(at indices: [Int]) -> Tensor {
        precondition(indices.allSatisfy { (0..<count).contains($0) }, "ImagePrefix: index out of its \(count) images")
        return base.images(at: indices)
    }
}
