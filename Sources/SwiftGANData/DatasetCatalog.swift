import Foundation

/// The one place datasets are loaded from by name or by directory.
///
/// ```swift
/// let data = try DatasetCatalog.load(name: nil, directory: "photos", channels: nil, resolution: 64) { print("warning:", $0) }
/// switch data.train {
/// case .images(let images): print(images.count, images.imageShape)
/// case .paired(let a, let b), .unpaired(let a, let b): print(a.count, b.count)
/// }
/// ```
///
/// With no name, the directory's contents decide (first rule that matches):
/// 1. `train-images-idx3-ubyte[.gz]` present: MNIST-format IDX files, labeled, splits train and t10k.
/// 2. `A/` and `B/` subfolders: paired images matched by file name (no test split).
/// 3. `trainA/` and `trainB/`: unpaired domains; `testA/` and `testB/` make the test split.
/// 4. `train/`: when it holds images directly (no class subfolders) and every one is exactly
///    twice as wide as high, pix2pix's side-by-side pairs (left half A, right half B); otherwise
///    an ImageFolder. `test/` (or else `val/`) in the same layout makes the test split.
/// 5. Otherwise the directory itself is an ImageFolder: class subfolders (labeled) or images (unlabeled).
///
/// A test split and domain B are converted to the size (and a test split to the channels) that
/// the training split or domain A resolved to, so their images always match.
public enum DatasetCatalog {
    public static var builtInNames: [String] { ["mnist", "fashion-mnist", "folder", "edges2fashion", "mnist-thin2thick"] }

    /// Loads a dataset by name, or from `directory` by what it holds when `name` is nil.
    ///
    /// - Parameters:
    ///   - channels: 1 or 3; nil keeps the images' own (1 when every image is gray, else 3).
    ///   - resolution: the side of the square images are resized (shorter side) and center-cropped
    ///     to; nil keeps the images' common size, and is an error when sizes differ.
    ///   - cacheDirectory: where image folders' decode caches go; defaults to `ImageCache.defaultDirectory`.
    ///   - warn: receives one line per skipped file or degraded step.
    public static func load(name: String?, directory: String?, channels: Int?, resolution: Int?,
                            cacheDirectory: String? = ImageCache.defaultDirectory,
                            warn: (String) -> Void) throws -> LoadedDataset {
        if let channels, channels != 1 && channels != 3 {
            throw DataError(path: directory ?? name ?? "<dataset>", "--channels must be 1 or 3, not \(channels)")
        }
        if let resolution, resolution <= 0 || resolution > 1 << 14 {
            throw DataError(path: directory ?? name ?? "<dataset>", "--resolution must be between 1 and 16384, not \(resolution)")
        }
        let target = ImageFolder.Target(channels: channels, height: resolution, width: resolution)
        // Settings carry `warn` to the folder loaders, which never keep it past this call.
        return try withoutActuallyEscaping(warn) { warn in
            try load(name: name, directory: directory, target: target,
                     settings: ImageFolder.Settings(cacheDirectory: cacheDirectory, warn: warn))
        }
    }

    private static func load(name: String?, directory: String?, target: ImageFolder.Target,
                             settings: ImageFolder.Settings) throws -> LoadedDataset {
        switch name {
        case "mnist"?, "fashion-mnist"?:
            let known = ImageDataset.Known(rawValue: name!)!
            return try loadIDX(known, directory: directory ?? known.locateDefaultDirectory(), name: known.rawValue, target: target)
        case "edges2fashion"?:
            return try TranslationTasks.edgesToFashion(directory: directory)
        case "mnist-thin2thick"?:
            return try TranslationTasks.thinToThickMNIST(directory: directory)
        case "folder"?:
            guard let directory else { throw DataError(path: "folder", "the folder dataset needs a directory (--data-dir)") }
            return try loadFolder(directory, target: target, settings: settings)
        case let other?:
            throw DataError(path: other, "unknown dataset; known: \(builtInNames.joined(separator: ", ")), or a directory")
        case nil:
            guard let directory else {
                throw DataError(path: "<dataset>", "no dataset name and no directory: name one of \(builtInNames.joined(separator: ", ")) or pass a directory")
            }
            if ["train-images-idx3-ubyte.gz", "train-images-idx3-ubyte"].contains(where: {
                FileManager.default.fileExists(atPath: directory + "/" + $0)
            }) {
                return try loadIDX(.mnist, directory: directory, name: (directory as NSString).lastPathComponent, target: target)
            }
            return try loadFolder(directory, target: target, settings: settings)
        }
    }

    /// MNIST-format IDX files as labeled images, converted when channels or resolution ask for it.
    static func loadIDX(_ known: ImageDataset.Known, directory: String, name: String, target: ImageFolder.Target) throws -> LoadedDataset {
        func split(_ split: ImageDataset.Split) throws -> any ImageCollection {
            let data = try ImageDataset.load(known, split: split, directory: directory)
            let shape = data.imageShape
            guard (target.channels ?? shape[0]) != shape[0] || (target.height ?? shape[1]) != shape[1]
                    || (target.width ?? shape[2]) != shape[2] else { return data }
            return data.converted(channels: target.channels ?? shape[0], height: target.height ?? shape[1], width: target.width ?? shape[2])
        }
        let dir = directory
        let hasTest = ["t10k-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte"].contains { FileManager.default.fileExists(atPath: dir + "/" + $0) }
        return LoadedDataset(name: name, train: .images(try split(.train)), test: hasTest ? .images(try split(.test)) : nil)
    }

    static func loadFolder(_ directory: String, target: ImageFolder.Target, settings: ImageFolder.Settings) throws -> LoadedDataset {
        let name = (URL(fileURLWithPath: directory).standardizedFileURL.path as NSString).lastPathComponent
        let folders = Set(ImageFolder.subfolders(of: directory))
        func path(_ sub: String) -> String { directory + "/" + sub }

        if folders.isSuperset(of: ["A", "B"]) {
            let (a, b) = try pair(path("A"), path("B"), parts: (.whole, .whole), target: target, settings: settings)
            return LoadedDataset(name: name, train: .paired(a: a, b: b), test: nil)
        }
        if folders.isSuperset(of: ["trainA", "trainB"]) {
            let a = try collection(path("trainA"), target: target, settings: settings)
            let b = try collection(path("trainB"), target: sameSize(target, as: a), settings: settings)
            var test: DataLayout? = nil
            if folders.isSuperset(of: ["testA", "testB"]) {
                test = .unpaired(a: try collection(path("testA"), target: sameShape(as: a), settings: settings),
                                 b: try collection(path("testB"), target: sameShape(as: b), settings: settings))
            }
            return LoadedDataset(name: name, train: .unpaired(a: a, b: b), test: test)
        }
        if folders.contains("train") {
            let testFolder = folders.contains("test") ? "test" : folders.contains("val") ? "val" : nil
            if try isSideBySide(path("train"), warn: settings.warn) {
                let (a, b) = try pair(path("train"), path("train"), parts: (.left, .right), target: target, settings: settings)
                var test: DataLayout? = nil
                if let testFolder {
                    let t = try pair(path(testFolder), path(testFolder), parts: (.left, .right),
                                     target: sameShape(as: a), targetB: sameShape(as: b), settings: settings)
                    test = .paired(a: t.0, b: t.1)
                }
                return LoadedDataset(name: name, train: .paired(a: a, b: b), test: test)
            }
            let train = try collection(path("train"), target: target, settings: settings)
            var test: DataLayout? = nil
            if let testFolder {
                let t = try collection(path(testFolder), target: sameShape(as: train), settings: settings)
                guard t.classNames == train.classNames else {
                    throw DataError(path: path(testFolder), "classes [\(t.classNames.joined(separator: ", "))] differ from train/'s [\(train.classNames.joined(separator: ", "))]")
                }
                test = .images(t)
            }
            return LoadedDataset(name: name, train: .images(train), test: test)
        }
        return LoadedDataset(name: name, train: .images(try collection(directory, target: target, settings: settings)), test: nil)
    }

    private static func collection(_ directory: String, target: ImageFolder.Target, part: ImageFolder.Part = .whole,
                                   settings: ImageFolder.Settings) throws -> ByteImageCollection {
        let (sources, classNames) = try ImageFolder.sources(in: directory, warn: settings.warn)
        return try ImageFolder.load(sources, classNames: classNames, directory: directory, part: part, target: target, settings: settings)
    }

    /// Images of `a` and `b` with the same file names, in the same order.
    private static func pair(_ a: String, _ b: String, parts: (ImageFolder.Part, ImageFolder.Part), target: ImageFolder.Target,
                             targetB: ImageFolder.Target? = nil,
                             settings: ImageFolder.Settings) throws -> (ByteImageCollection, ByteImageCollection) {
        let first = try collection(a, target: target, part: parts.0, settings: settings)
        let second = try collection(b, target: targetB ?? sameSize(target, as: first), part: parts.1, settings: settings)
        let positions = Dictionary(second.sourceNames.enumerated().map { ($1, $0) }, uniquingKeysWith: { x, _ in x })
        var keepA: [Int] = [], keepB: [Int] = []
        for (i, name) in first.sourceNames.enumerated() {
            if let j = positions[name] { keepA.append(i); keepB.append(j) } else { settings.warn("\(a)/\(name): no partner in \(b), skipped") }
        }
        for name in Set(second.sourceNames).subtracting(first.sourceNames).sorted() {
            settings.warn("\(b)/\(name): no partner in \(a), skipped")
        }
        guard !keepA.isEmpty else { throw DataError(path: a, "no image has a partner of the same name in \(b)") }
        return (first.subset(keepA), second.subset(keepB))
    }

    /// Whether `directory` holds images directly, no class subfolders, and every image's width
    /// is exactly twice its height (pix2pix's side-by-side AB pairs).
    private static func isSideBySide(_ directory: String, warn: (String) -> Void) throws -> Bool {
        let direct = ImageFolder.imageNames(in: directory, recursive: false)
        guard !direct.isEmpty, ImageFolder.subfolders(of: directory).allSatisfy({
            ImageFolder.imageNames(in: directory + "/" + $0, recursive: true).isEmpty
        }) else { return false }
        var sawOne = false
        for name in direct {
            // Unreadable files are warned about (and skipped) when the images are decoded.
            guard let header = try? ImageFile.header(directory + "/" + name) else { continue }
            guard header.width == 2 * header.height else { return false }
            sawOne = true
        }
        return sawOne
    }

    private static func sameSize(_ target: ImageFolder.Target, as images: ByteImageCollection) -> ImageFolder.Target {
        ImageFolder.Target(channels: target.channels, height: images.imageShape[1], width: images.imageShape[2])
    }

    private static func sameShape(as images: ByteImageCollection) -> ImageFolder.Target {
        ImageFolder.Target(channels: images.imageShape[0], height: images.imageShape[1], width: images.imageShape[2])
    }
}
