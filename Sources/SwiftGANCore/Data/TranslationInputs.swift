import Foundation
import SwiftGANData
import SwiftGANEngine
import SwiftGANImages
import SwiftGANNN

/// What `swiftgan translate` reads and writes: images in [-1, 1] with a name each, from a
/// float32 .npy of [n, C, H, W], one image file, or a folder of them; and one PNG per output.
///
/// ```swift
/// let inputs = try TranslationInputs.load("edges/", channels: 1)
/// for group in inputs.groups { let out = try g.translateAll(group.images) ... }
/// ```
public struct TranslationInputs {
    /// Images of one size, [n, C, H, W], with their names (file stems, or 00000… for an array).
    public struct Group {
        public var images: Tensor
        public var names: [String]
    }

    /// The inputs grouped by size, in the order first met.
    public var groups: [Group]
    /// Whether the inputs came from a .npy array (one group, in its order).
    public var isArray: Bool

    /// The number of images.
    public var count: Int { groups.reduce(0) { $0 + $1.names.count } }

    /// Reads `path`: a `.npy` file (float32 [n, C, H, W], C the generator's `channels`, finite),
    /// a PNG or JPEG image, or a folder of them (converted to `channels`). Problems are one-line
    /// errors naming the file.
    public static func load(_ path: String, channels: Int, warn: (String) -> Void = { _ in }) throws -> TranslationInputs {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw DataError(path: path, "no such file or folder") }
        if isDirectory.boolValue {
            let names = ImageFolder.imageNames(in: path, recursive: false)
            guard !names.isEmpty else { throw DataError(path: path, "holds no PNG or JPEG images") }
            // Images by size, in the order first met; each size stacked once at the end.
            var bySize: [(shape: [Int], images: [Tensor], names: [String])] = []
            for name in names {
                let image: Tensor
                do { image = try imageTensor(path + "/" + name, channels: channels) } catch {
                    warn("\(path)/\(name): skipped (\(error))")
                    continue
                }
                let stem = (name as NSString).deletingPathExtension
                if let i = bySize.firstIndex(where: { $0.shape == image.shape }) {
                    bySize[i].images.append(image)
                    bySize[i].names.append(stem)
                } else {
                    bySize.append((image.shape, [image], [stem]))
                }
            }
            guard !bySize.isEmpty else { throw DataError(path: path, "none of its images could be read") }
            return TranslationInputs(groups: bySize.map { Group(images: Tensor.concat($0.images, axis: 0), names: $0.names) }, isArray: false)
        }
        if path.lowercased().hasSuffix(".npy") {
            let array = try NPY.read(path)
            guard array.rank == 4, array.shape[1] == channels, array.shape[0] > 0, array.shape[2] > 0, array.shape[3] > 0 else {
                throw DataError(path: path, "images must be float32 [n, \(channels), H, W] in [-1, 1], got shape \(array.shape)")
            }
            if let bad = array.withUnsafeBufferPointer({ $0.firstIndex { !$0.isFinite } }) {
                throw DataError(path: path, "non-finite value at flat index \(bad)")
            }
            if array.withUnsafeBufferPointer({ $0.contains { abs($0) > 1.001 } }) {
                warn("\(path): values outside [-1, 1]; the generator was trained on images scaled to [-1, 1]")
            }
            let names = (0..<array.shape[0]).map { String(format: "%05d", $0) }
            return TranslationInputs(groups: [Group(images: array, names: names)], isArray: true)
        }
        let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        return TranslationInputs(groups: [Group(images: try imageTensor(path, channels: channels), names: [stem])], isArray: false)
    }

    /// An image file as [1, channels, H, W] in [-1, 1].
    static func imageTensor(_ path: String, channels: Int) throws -> Tensor {
        let image = ImageResampling.convert(try ImageFile.decode(path), toChannels: channels)
        let (h, w) = (image.height, image.width)
        var values = [Float](repeating: 0, count: channels * h * w)
        for y in 0..<h {
            for x in 0..<w {
                for c in 0..<channels { values[(c * h + y) * w + x] = Float(image.pixels[(y * w + x) * channels + c]) / 127.5 - 1 }
            }
        }
        return Tensor(values, shape: [1, channels, h, w])
    }

    /// One image of [C, H, W] (or [1, C, H, W]) in [-1, 1] as a PNG of exactly its pixels; a
    /// generated one carries its `provenance`.
    public static func png(_ image: Tensor, provenance: Provenance? = nil) -> Data {
        let shape = image.rank == 4 ? image.shape : [1] + image.shape
        return ImageGrid.png(image.reshaped(shape), columns: 1, padding: 0, provenance: provenance)
    }
}
