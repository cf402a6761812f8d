import Foundation
import SwiftGANEngine

/// Images kept as bytes, [count, channels, height, width], and scaled to [-1, 1] only when a
/// batch is read: memory-mapped from an image folder's decode cache, or held in memory.
///
/// ```swift
/// let data = try DatasetCatalog.load(name: "folder", directory: "faces", channels: nil, resolution: 64) { print($0) }
/// if case .images(let faces) = data.train { let batch = faces.images(at: [0, 1, 2]) }  // [3, 3, 64, 64]
/// ```
public struct ByteImageCollection: ImageCollection {
    public let imageShape: [Int]
    public let labels: [Int]?
    public let classNames: [String]
    /// The file each image was decoded from, relative to its folder; empty for computed datasets.
    public let sourceNames: [String]
    /// For images computed from another dataset, the index of each one's source image there.
    public let sourceIndices: [Int]?
    /// The cache file the bytes are mapped from; nil when they are held in memory.
    public let cachePath: String?
    /// True when this load mapped an existing cache file instead of decoding the images.
    public internal(set) var reusedCache: Bool

    private let storage: Data
    private let dataOffset: Int
    /// Which stored image each of ours is (a subset's view); nil means all, in order.
    private let rows: [Int]?

    public var count: Int { rows?.count ?? storedCount }
    private let storedCount: Int

    /// Images held in memory: `pixels` holds `[count] + imageShape` bytes.
    public init(pixels: [UInt8], imageShape: [Int], labels: [Int]?, classNames: [String],
                sourceNames: [String] = [], sourceIndices: [Int]? = nil) {
        let per = imageShape.reduce(1, *)
        precondition(imageShape.count == 3 && per > 0 && pixels.count % per == 0, "\(pixels.count) bytes for images of shape \(imageShape)")
        self.init(storage: Data(pixels), dataOffset: 0, storedCount: pixels.count / per, imageShape: imageShape,
                  labels: labels, classNames: classNames, sourceNames: sourceNames, sourceIndices: sourceIndices,
                  cachePath: nil, reusedCache: false)
    }

    init(storage: Data, dataOffset: Int, storedCount: Int, imageShape: [Int], labels: [Int]?, classNames: [String],
         sourceNames: [String], sourceIndices: [Int]?, cachePath: String?, reusedCache: Bool, rows: [Int]? = nil) {
        precondition(labels == nil || labels!.count == (rows?.count ?? storedCount), "one label per image")
        self.storage = storage
        self.dataOffset = dataOffset
        self.storedCount = storedCount
        self.imageShape = imageShape
        self.labels = labels
        self.classNames = classNames
        self.sourceNames = sourceNames
        self.sourceIndices = sourceIndices
        self.cachePath = cachePath
        self.reusedCache = reusedCache
        self.rows = rows
    }

    /// The images at `indices`, in that order (labels and sources follow).
    public func subset(_ indices: [Int]) -> ByteImageCollection {
        ByteImageCollection(storage: storage, dataOffset: dataOffset, storedCount: storedCount, imageShape: imageShape,
                            labels: labels.map { l in indices.map { l[$0] } }, classNames: classNames,
                            sourceNames: sourceNames.isEmpty ? [] : indices.map { sourceNames[$0] },
                            sourceIndices: sourceIndices.map { s in indices.map { s[$0] } },
                            cachePath: cachePath, reusedCache: reusedCache, rows: indices.map { rows?[$0] ?? $0 })
    }

    /// The bytes (0…255) of image `index`, [channels, height, width].
    public func bytes(at index: Int) -> [UInt8] {
        precondition(index >= 0 && index < count, "image \(index) of \(count)")
        let per = pixelsPerImage, start = dataOffset + (rows?[index] ?? index) * per
        return storage.withUnsafeBytes { raw in Array(raw[start..<(start + per)]) }
    }

    public func images(at indices: [Int]) -> Tensor {
        let per = pixelsPerImage
        let out = Tensor.zeros([indices.count] + imageShape)
        let table = (0..<256).map { Float($0) / 127.5 - 1 }
        storage.withUnsafeBytes { raw in
            let base = raw.baseAddress!.assumingMemoryBound(to: UInt8.self) + dataOffset
            let destination = out.storage.pointer
            for (k, index) in indices.enumerated() {
                precondition(index >= 0 && index < count, "image \(index) of \(count)")
                let source = base + (rows?[index] ?? index) * per
                for p in 0..<per { destination[k * per + p] = table[Int(source[p])] }
            }
        }
        return out
    }
}
