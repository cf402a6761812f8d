import Foundation

/// Decodes folders of PNG and JPEG images (torchvision's `ImageFolder` layout) into
/// `ByteImageCollection`s through the decode cache.
///
/// A folder with one subfolder per class is labeled (class index = position of the subfolder's
/// name in sorted order; images are found at any depth below it); a folder holding images
/// directly is unlabeled. Files ending `.png`, `.jpg` or `.jpeg` (any case) count as images;
/// hidden files and folders are ignored.
public enum ImageFolder {
    /// Which part of each image file is used: all of it, or the left or right half of a
    /// side-by-side pair.
    public enum Part: String { case whole, left, right }

    /// What the loaded images are converted to; nil fields take the images' own.
    struct Target {
        var channels: Int?
        var height: Int?
        var width: Int?
    }

    /// Where decoded images are cached (nil: decode into memory every time).
    struct Settings {
        var cacheDirectory: String?
        var warn: (String) -> Void
    }

    struct Source {
        var path: String
        var name: String
        var label: Int?
    }

    static func isImage(_ name: String) -> Bool {
        !name.hasPrefix(".") && ImageFile.extensions.contains((name as NSString).pathExtension.lowercased())
    }

    /// Non-hidden subfolders of `directory`, sorted.
    static func subfolders(of directory: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { name in
            var isDirectory: ObjCBool = false
            return !name.hasPrefix(".") && FileManager.default.fileExists(atPath: directory + "/" + name, isDirectory: &isDirectory)
                && isDirectory.boolValue
        }.sorted()
    }

    /// Image files directly in `directory` (or at any depth when `recursive`), as sorted relative names.
    public static func imageNames(in directory: String, recursive: Bool) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        var found: [String] = []
        for name in names where !name.hasPrefix(".") {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory + "/" + name, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                if recursive { found += imageNames(in: directory + "/" + name, recursive: true).map { name + "/" + $0 } }
            } else if isImage(name) {
                found.append(name)
            }
        }
        return found.sorted()
    }

    /// The images of `directory` in ImageFolder layout: class subfolders, or images directly.
    static func sources(in directory: String, warn: (String) -> Void) throws -> (sources: [Source], classNames: [String]) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DataError(path: directory, "no such directory")
        }
        let classes = subfolders(of: directory).filter { !imageNames(in: directory + "/" + $0, recursive: true).isEmpty }
        let direct = imageNames(in: directory, recursive: false)
        if classes.isEmpty {
            guard !direct.isEmpty else { throw DataError(path: directory, "no .png, .jpg or .jpeg images (nor class subfolders of them)") }
            return (direct.map { Source(path: directory + "/" + $0, name: $0, label: nil) }, [])
        }
        if !direct.isEmpty { warn("\(directory): \(direct.count) images beside the class subfolders ignored") }
        var sources: [Source] = []
        for (label, name) in classes.enumerated() {
            sources += imageNames(in: directory + "/" + name, recursive: true).map {
                Source(path: directory + "/" + name + "/" + $0, name: name + "/" + $0, label: label)
            }
        }
        return (sources, classes)
    }

    /// Decodes `sources` (or maps their cache), converted to `target`.
    static func load(_ sources: [Source], classNames: [String], directory: String, part: Part, target: Target,
                     settings: Settings) throws -> ByteImageCollection {
        let absolute = URL(fileURLWithPath: directory).standardizedFileURL.path
        var key = "v\(ImageCache.formatVersion)\n\(absolute)\n\(part.rawValue)\nchannels \(target.channels ?? 0)\n"
            + "size \(target.height ?? 0)x\(target.width ?? 0)\nclasses \(classNames.joined(separator: "/"))\n"
        for source in sources {
            var info = stat()
            if stat(source.path, &info) == 0 {
                key += "\(source.name)\t\(info.st_size)\t\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)\t\(source.label ?? -1)\n"
            } else {
                key += "\(source.name)\tmissing\n"
            }
        }
        let (fileName, check) = ImageCache.fileName(for: key)
        var cachePath: String? = nil
        if let dir = settings.cacheDirectory {
            do {
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
                cachePath = dir + "/" + fileName
            } catch {
                settings.warn("\(dir): cannot create the image cache directory, decoding into memory")
            }
        }
        if let cachePath, let cached = ImageCache.read(cachePath, check: check) { return cached }

        // Headers first: they decide the default channels and size before any pixel is decoded.
        var readable: [(Source, ImageHeader)] = []
        for source in sources {
            do {
                var header = try ImageFile.header(source.path)
                if part != .whole { header.width /= 2 }
                readable.append((source, header))
            } catch {
                settings.warn("\(error), skipped")
            }
        }
        guard let first = readable.first?.1 else { throw DataError(path: directory, "no readable images") }
        let channels = target.channels ?? (readable.allSatisfy { $0.1.channels == 1 } ? 1 : 3)
        let height: Int, width: Int
        if let h = target.height, let w = target.width {
            (height, width) = (h, w)
        } else if let other = readable.first(where: { $0.1.width != first.width || $0.1.height != first.height }) {
            throw DataError(path: directory, "images have different sizes (\(first.width)×\(first.height) and "
                            + "\(other.1.width)×\(other.1.height) at \(other.0.name)); pass --resolution")
        } else {
            (height, width) = (first.height, first.width)
        }

        var pixels: [UInt8] = []
        var labels: [Int] = [], names: [String] = []
        for (source, _) in readable {
            do {
                var image = try ImageFile.decode(source.path)
                if part != .whole {
                    image = ImageResampling.columns(image, from: part == .left ? 0 : image.width / 2, width: image.width / 2)
                }
                image = ImageResampling.convert(image, toChannels: channels)
                pixels += ImageResampling.resizeAndCrop(image, height: height, width: width)
                labels.append(source.label ?? -1)
                names.append(source.name)
            } catch {
                settings.warn("\(error), skipped")
            }
        }
        guard !names.isEmpty else { throw DataError(path: directory, "no readable images") }
        let metadata = ImageCache.Metadata(count: names.count, imageShape: [channels, height, width],
                                           labels: classNames.isEmpty ? nil : labels, classNames: classNames,
                                           sourceNames: names)
        if let cachePath {
            do {
                try ImageCache.write(metadata, pixels: pixels, check: check, to: cachePath)
                if var mapped = ImageCache.read(cachePath, check: check) {
                    mapped.reusedCache = false
                    return mapped
                }
            } catch {
                settings.warn("\(error), decoding into memory")
            }
        }
        return ByteImageCollection(pixels: pixels, imageShape: metadata.imageShape, labels: metadata.labels,
                                   classNames: classNames, sourceNames: names)
    }
}
