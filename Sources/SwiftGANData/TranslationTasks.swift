import Foundation

/// Image-to-image translation tasks made from the digit and clothing datasets the project
/// already has, computed on load (a few seconds) and kept in memory.
///
/// - `edges2fashion` (paired): B is a Fashion-MNIST image padded to 32×32 with the background
///   (byte 0, -1 when scaled); A is its outline, `edgeMap(_:side:)`. Fashion-MNIST's own splits.
/// - `mnist-thin2thick` (unpaired): MNIST padded to 32×32; domain A holds the first half of a
///   split with its strokes as they are (thin), domain B the second half thickened by `dilate`
///   (about twice the ink), so no digit is in both domains (`ByteImageCollection.sourceIndices`
///   names each image's source). Labels kept. (A 3×3 erosion for A left 12 of a digit's ~96 ink
///   pixels, and the shipped MNIST evaluator read only 46% of those digits, so no translation
///   into A could be judged by whether its label survived; the plain digits it reads at 98.7%,
///   the dilated ones at 95.8%.)
public enum TranslationTasks {
    /// The side of the padded images.
    public static let side = 32

    /// Sobel gradient magnitudes at or above this (in byte units) are edges. A full black-to-white
    /// step gives 4 × 255 = 1020; a quarter of that keeps garments' outlines and strong folds
    /// while the weak texture inside them stays background.
    public static let edgeThreshold: Float = 255

    public static func edgesToFashion(directory: String?) throws -> LoadedDataset {
        let dir = try directory ?? ImageDataset.Known.fashionMNIST.locateDefaultDirectory()
        func split(_ split: ImageDataset.Split) throws -> DataLayout {
            let (images, labels) = try paddedBytes(.fashionMNIST, split: split, directory: dir)
            let n = labels.count, per = side * side
            var edges = [UInt8](repeating: 0, count: images.count)
            for i in 0..<n {
                let map = edgeMap(Array(images[(i * per)..<((i + 1) * per)]), side: side)
                edges.replaceSubrange((i * per)..<((i + 1) * per), with: map)
            }
            let shape = [1, side, side], names = (0..<10).map(String.init), sources = Array(0..<n)
            return .paired(a: ByteImageCollection(pixels: edges, imageShape: shape, labels: labels, classNames: names, sourceIndices: sources),
                           b: ByteImageCollection(pixels: images, imageShape: shape, labels: labels, classNames: names, sourceIndices: sources))
        }
        return LoadedDataset(name: "edges2fashion", train: try split(.train), test: try split(.test))
    }

    public static func thinToThickMNIST(directory: String?) throws -> LoadedDataset {
        let dir = try directory ?? ImageDataset.Known.mnist.locateDefaultDirectory()
        func split(_ split: ImageDataset.Split) throws -> DataLayout {
            let (images, labels) = try paddedBytes(.mnist, split: split, directory: dir)
            let n = labels.count, half = n / 2, per = side * side
            func domain(_ range: Range<Int>, _ filter: ([UInt8], Int) -> [UInt8]) -> ByteImageCollection {
                var pixels: [UInt8] = []
                pixels.reserveCapacity(range.count * per)
                for i in range { pixels += filter(Array(images[(i * per)..<((i + 1) * per)]), side) }
                return ByteImageCollection(pixels: pixels, imageShape: [1, side, side], labels: Array(labels[range]),
                                           classNames: (0..<10).map(String.init), sourceIndices: Array(range))
            }
            return .unpaired(a: domain(0..<half) { image, _ in image }, b: domain(half..<n, dilate))
        }
        return LoadedDataset(name: "mnist-thin2thick", train: try split(.train), test: try split(.test))
    }

    /// A dataset's images as bytes, each padded from 28×28 to 32×32 with zeros, and its labels.
    public static func paddedBytes(_ known: ImageDataset.Known, split: ImageDataset.Split, directory: String) throws -> ([UInt8], [Int]) {
        let stem = split == .train ? "train" : "t10k"
        func file(_ kind: String) -> String {
            let path = "\(directory)/\(stem)-\(kind)"
            return FileManager.default.fileExists(atPath: path + ".gz") ? path + ".gz" : path
        }
        let images = try IDXFile.read(file("images-idx3-ubyte"))
        let labels = try IDXFile.read(file("labels-idx1-ubyte"))
        guard images.shape.count == 3, images.shape[1] <= side, images.shape[2] <= side else {
            throw DataError(path: file("images-idx3-ubyte"), "expected images of at most \(side)×\(side), found shape \(images.shape)")
        }
        guard labels.shape == [images.shape[0]] else {
            throw DataError(path: file("labels-idx1-ubyte"), "\(labels.shape) labels for \(images.shape[0]) images")
        }
        let (n, h, w) = (images.shape[0], images.shape[1], images.shape[2])
        let top = (side - h) / 2, left = (side - w) / 2
        var padded = [UInt8](repeating: 0, count: n * side * side)
        for i in 0..<n {
            for y in 0..<h {
                let from = (i * h + y) * w, to = (i * side + top + y) * side + left
                padded.replaceSubrange(to..<(to + w), with: images.bytes[from..<(from + w)])
            }
        }
        return (padded, labels.bytes.map(Int.init))
    }

    /// 255 where the Sobel gradient magnitude of `image` (`side`×`side` bytes, zero outside)
    /// reaches `edgeThreshold`, 0 elsewhere.
    public static func edgeMap(_ image: [UInt8], side: Int) -> [UInt8] {
        func at(_ y: Int, _ x: Int) -> Float {
            y >= 0 && y < side && x >= 0 && x < side ? Float(image[y * side + x]) : 0
        }
        var out = [UInt8](repeating: 0, count: side * side)
        for y in 0..<side {
            for x in 0..<side {
                let gx = (at(y - 1, x + 1) + 2 * at(y, x + 1) + at(y + 1, x + 1)) - (at(y - 1, x - 1) + 2 * at(y, x - 1) + at(y + 1, x - 1))
                let gy = (at(y + 1, x - 1) + 2 * at(y + 1, x) + at(y + 1, x + 1)) - (at(y - 1, x - 1) + 2 * at(y - 1, x) + at(y - 1, x + 1))
                if (gx * gx + gy * gy).squareRoot() >= edgeThreshold { out[y * side + x] = 255 }
            }
        }
        return out
    }

    /// 3×3 grayscale dilation: each pixel becomes the maximum of its neighbourhood (inside the image).
    public static func dilate(_ image: [UInt8], side: Int) -> [UInt8] {
        var out = image
        for y in 0..<side {
            for x in 0..<side {
                var v = image[y * side + x]
                for ny in max(0, y - 1)...min(side - 1, y + 1) {
                    for nx in max(0, x - 1)...min(side - 1, x + 1) { v = max(v, image[ny * side + nx]) }
                }
                out[y * side + x] = v
            }
        }
        return out
    }
}
