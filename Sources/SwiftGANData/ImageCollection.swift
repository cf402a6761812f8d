import SwiftGANEngine

/// Images (with class labels when there are any) that training batches are gathered from:
/// an IDX dataset held in memory, or a decoded image folder memory-mapped from its cache.
public protocol ImageCollection {
    /// The number of images.
    var count: Int { get }
    /// [channels, height, width] of every image.
    var imageShape: [Int] { get }
    /// One class index per image, or nil for unlabeled images.
    var labels: [Int]? { get }
    /// The class names in index order (folder names, or "0"…"9"); empty when unlabeled.
    var classNames: [String] { get }
    /// The images at `indices` as [n, channels, height, width], scaled to [-1, 1].
    func images(at indices: [Int]) -> Tensor
}

extension ImageCollection {
    /// Pixels per image.
    public var pixelsPerImage: Int { imageShape.reduce(1, *) }
    /// The number of classes (0 when unlabeled).
    public var classCount: Int { classNames.count }
}

/// How a dataset's images are organised for training.
public enum DataLayout {
    /// Single images, labeled or not (unconditional and class-conditional GANs).
    case images(any ImageCollection)
    /// Aligned pairs: image i of `a` belongs with image i of `b` (Pix2Pix).
    case paired(a: any ImageCollection, b: any ImageCollection)
    /// Two domains without correspondence, drawn independently (CycleGAN).
    case unpaired(a: any ImageCollection, b: any ImageCollection)
}

/// A dataset as training and evaluation see it: the training split and, when there is one,
/// a test split of the same layout.
public struct LoadedDataset {
    public var name: String
    public var train: DataLayout
    public var test: DataLayout?

    public init(name: String, train: DataLayout, test: DataLayout?) {
        self.name = name
        self.train = train
        self.test = test
    }
}
