import Foundation
import SwiftGANEngine

/// A labelled image dataset held in memory, images scaled to [-1, 1] (the range of a Tanh
/// generator) and stored as [count, channels, height, width].
public struct ImageDataset {
    public let images: Tensor
    public let labels: [Int]
    public let name: String

    public var count: Int { labels.count }
    /// [channels, height, width]
    public var imageShape: [Int] { Array(images.shape.dropFirst()) }
    public var pixelsPerImage: Int { imageShape.reduce(1, *) }

    public init(images: Tensor, labels: [Int], name: String) {
        precondition(images.shape[0] == labels.count, "\(images.shape[0]) images for \(labels.count) labels")
        self.images = images
        self.labels = labels
        self.name = name
    }

    /// The datasets SwiftGAN knows how to find.
    public enum Known: String, CaseIterable {
        case mnist
        case fashionMNIST = "fashion-mnist"

        /// The names of the ten classes, by label.
        public var classNames: [String] {
            switch self {
            case .mnist: (0..<10).map(String.init)
            case .fashionMNIST: ["T-shirt/top", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle boot"]
            }
        }

        /// Where the data is by default: the shared MNIST copy beside the project, or Debian's
        /// `dataset-fashion-mnist` package. `locateDefaultDirectory()` resolves the relative one.
        public var defaultDirectory: String {
            switch self {
            case .mnist: "../shared/data/mnist"
            case .fashionMNIST: "/usr/share/datasets/fashion-mnist"
            }
        }

        /// The places searched for the data when no directory is given, in order. For MNIST:
        /// `$SWIFTGAN_MNIST_DIR`, `defaultDirectory` from the current directory, then
        /// `shared/data/mnist` beside each of the executable's first parent folders (so the
        /// copy beside the checkout is found from `.build/release/swiftgan` wherever it runs).
        public var searchedDirectories: [String] {
            guard self == .mnist else { return [defaultDirectory] }
            var candidates: [String] = []
            if let fromEnvironment = ProcessInfo.processInfo.environment["SWIFTGAN_MNIST_DIR"], !fromEnvironment.isEmpty {
                candidates.append(fromEnvironment)
            }
            candidates.append(defaultDirectory)
            if var folder = Bundle.main.executableURL?.resolvingSymlinksInPath().deletingLastPathComponent() {
                for _ in 0..<6 where folder.path != "/" {
                    candidates.append(folder.appendingPathComponent("shared/data/mnist").path)
                    folder = folder.deletingLastPathComponent()
                }
            }
            return candidates
        }

        /// The first of `searchedDirectories` holding the training images.
        public func locateDefaultDirectory() throws -> String {
            let candidates = searchedDirectories
            for dir in candidates where ["train-images-idx3-ubyte.gz", "train-images-idx3-ubyte"].contains(where: {
                FileManager.default.fileExists(atPath: dir + "/" + $0)
            }) {
                return dir
            }
            let looked = self == .mnist && ProcessInfo.processInfo.environment["SWIFTGAN_MNIST_DIR"] == nil
                ? ["$SWIFTGAN_MNIST_DIR (unset)"] + candidates : candidates
            throw DataError(path: rawValue, "dataset not found; looked in \(looked.joined(separator: ", ")) (set SWIFTGAN_MNIST_DIR or pass a directory)")
        }
    }

    public enum Split: String { case train, test }

    /// Loads MNIST or Fashion-MNIST (same file names) from `directory`; files may be gzip
    /// compressed (`.gz`) or raw.
    public static func load(_ dataset: Known, split: Split = .train, directory: String? = nil) throws -> ImageDataset {
        let dir = try directory ?? dataset.locateDefaultDirectory()
        let stem = split == .train ? "train" : "t10k"
        let imagePath = try locate(dir, "\(stem)-images-idx3-ubyte")
        let labelPath = try locate(dir, "\(stem)-labels-idx1-ubyte")
        return try loadIDX(images: imagePath, labels: labelPath, name: dataset.rawValue, classCount: 10)
    }

    /// Loads an image/label pair of IDX files; with `classCount`, every label must be below it.
    public static func loadIDX(images imagePath: String, labels labelPath: String, name: String,
                               classCount: Int? = nil) throws -> ImageDataset {
        let images = try IDXFile.read(imagePath)
        guard images.shape.count == 3 else { throw DataError(path: imagePath, "expected images of rank 3, found shape \(images.shape)") }
        let labels = try IDXFile.read(labelPath)
        guard labels.shape.count == 1 else { throw DataError(path: labelPath, "expected labels of rank 1, found shape \(labels.shape)") }
        guard labels.shape[0] == images.shape[0] else {
            throw DataError(path: labelPath, "\(labels.shape[0]) labels for \(images.shape[0]) images in \(imagePath)")
        }
        if let classCount, let bad = labels.bytes.firstIndex(where: { Int($0) >= classCount }) {
            throw DataError(path: labelPath, "label \(labels.bytes[bad]) at index \(bad) is not a class of \(name) (0 to \(classCount - 1))")
        }
        let tensor = Tensor(images.bytes.map { Float($0) / 127.5 - 1 }, shape: [images.shape[0], 1, images.shape[1], images.shape[2]])
        return ImageDataset(images: tensor, labels: labels.bytes.map(Int.init), name: name)
    }

    private static func locate(_ directory: String, _ stem: String) throws -> String {
        for candidate in ["\(directory)/\(stem).gz", "\(directory)/\(stem)"] where FileManager.default.fileExists(atPath: candidate) {
            return candidate
        }
        throw DataError(path: "\(directory)/\(stem).gz", "no such file (nor \(stem) uncompressed)")
    }

    /// The first `n` examples.
    public func prefix(_ n: Int) -> ImageDataset {
        let k = min(n, count)
        return ImageDataset(images: images.slice(axis: 0, 0..<k), labels: Array(labels.prefix(k)), name: name)
    }
}

/// An IDX dataset is an image collection whose labels are always present and whose classes
/// are the digits "0"…"9" (Fashion-MNIST's classes are numbered the same way).
extension ImageDataset: ImageCollection {
    public var classNames: [String] { (0..<10).map(String.init) }

    public func images(at indices: [Int]) -> Tensor { images.rows(indices) }

    /// The images as bytes with the channels and size asked for (see `ImageResampling`).
    func converted(channels: Int, height: Int, width: Int) -> ByteImageCollection {
        let shape = imageShape
        var pixels: [UInt8] = []
        pixels.reserveCapacity(count * channels * height * width)
        images.withUnsafeBufferPointer { values in
            let per = shape.reduce(1, *)
            for i in 0..<count {
                // Stored planar [C, H, W]; decoded images are interleaved, which for one channel is the same.
                let bytes = (0..<per).map { UInt8(max(0, min(255, ((values[i * per + $0] + 1) * 127.5).rounded()))) }
                let image = ImageResampling.convert(DecodedImage(width: shape[2], height: shape[1], channels: 1, pixels: bytes),
                                                    toChannels: channels)
                pixels += ImageResampling.resizeAndCrop(image, height: height, width: width)
            }
        }
        return ByteImageCollection(pixels: pixels, imageShape: [channels, height, width], labels: labels, classNames: classNames)
    }
}

// `ImageDataset.labels` is non-optional for the code that uses it directly; this witness gives
// the protocol its optional view of the same array.
extension ImageCollection where Self == ImageDataset {
    public var labels: [Int]? { (self as ImageDataset).labels as [Int] }
}
