import Foundation

/// The decode cache of image folders: each folder's images, decoded and resized once, stored as
/// bytes in one file that later loads memory-map.
///
/// Location: `$SWIFTGAN_CACHE_DIR`, else `$XDG_CACHE_HOME/swiftgan`, else `~/.cache/swiftgan`.
/// A file's name is a hash of everything its contents depend on (the folder's absolute path,
/// every image's name, size and modification time, the requested channels and size, and
/// `formatVersion`), so a changed folder or option decodes afresh. Files are written to a
/// temporary name and renamed, so a crash never leaves a half-written cache.
///
/// Layout: the magic `SGANIMG\0`, then little-endian UInt32 format version, UInt32 metadata
/// length, UInt64 key check; JSON metadata; zero padding to a multiple of 64; the pixels.
public enum ImageCache {
    public static let formatVersion: UInt32 = 1
    static let magic: [UInt8] = Array("SGANIMG\0".utf8)

    /// The cache directory from the environment.
    public static var defaultDirectory: String {
        let environment = ProcessInfo.processInfo.environment
        if let dir = environment["SWIFTGAN_CACHE_DIR"], !dir.isEmpty { return dir }
        if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty { return xdg + "/swiftgan" }
        return NSHomeDirectory() + "/.cache/swiftgan"
    }

    struct Metadata: Codable {
        var count: Int
        var imageShape: [Int]
        var labels: [Int]?
        var classNames: [String]
        var sourceNames: [String]
    }

    /// A 128-bit FNV-1a hash of `key`, as 32 hex digits, and a second 64-bit check stored inside.
    static func fileName(for key: String) -> (name: String, check: UInt64) {
        func fnv(_ basis: UInt64) -> UInt64 {
            var h = basis
            for byte in key.utf8 { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
            return h
        }
        let a = fnv(0xcbf2_9ce4_8422_2325), b = fnv(0x6c62_272e_07bb_0142), check = fnv(0x9e37_79b9_7f4a_7c15)
        return ("images-" + String(format: "%016llx%016llx", a, b) + ".bin", check)
    }

    /// The images in `path`, memory-mapped, or nil when the file is not a complete cache for `check`.
    static func read(_ path: String, check: UInt64) -> ByteImageCollection? {
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped), data.count >= 24,
              Array(data.prefix(8)) == magic else { return nil }
        func integer<T: FixedWidthInteger>(_ offset: Int, _: T.Type) -> T {
            data.withUnsafeBytes { raw in T(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: T.self)) }
        }
        guard integer(8, UInt32.self) == formatVersion, integer(16, UInt64.self) == check else { return nil }
        let metadataLength = Int(integer(12, UInt32.self))
        guard metadataLength <= data.count - 24,
              let metadata = try? JSONDecoder().decode(Metadata.self, from: data.subdata(in: 24..<(24 + metadataLength))),
              metadata.imageShape.count == 3, metadata.count >= 0,
              metadata.labels.map({ $0.count == metadata.count }) ?? true,
              metadata.sourceNames.count == metadata.count,
              let pixelBytes = checkedProduct([metadata.count] + metadata.imageShape) else { return nil }
        let offset = paddedOffset(24 + metadataLength)
        guard data.count - offset == pixelBytes else { return nil }
        return ByteImageCollection(storage: data, dataOffset: offset, storedCount: metadata.count,
                                   imageShape: metadata.imageShape, labels: metadata.labels,
                                   classNames: metadata.classNames, sourceNames: metadata.sourceNames,
                                   sourceIndices: nil, cachePath: path, reusedCache: true)
    }

    /// Writes the cache file atomically.
    static func write(_ metadata: Metadata, pixels: [UInt8], check: UInt64, to path: String) throws {
        let json = try JSONEncoder().encode(metadata)
        var data = Data(magic)
        for v in [formatVersion, UInt32(json.count)] { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
        withUnsafeBytes(of: check.littleEndian) { data.append(contentsOf: $0) }
        data.append(json)
        data.append(Data(count: paddedOffset(data.count) - data.count))
        data.append(contentsOf: pixels)
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw DataError(path: path, "cannot write the image cache (\(error.localizedDescription))")
        }
    }

    /// The product of `dimensions`, or nil on overflow or a negative dimension.
    static func checkedProduct(_ dimensions: [Int]) -> Int? {
        var product = 1
        for d in dimensions {
            guard d >= 0 else { return nil }
            let (p, overflow) = product.multipliedReportingOverflow(by: d)
            if overflow { return nil }
            product = p
        }
        return product
    }

    static func paddedOffset(_ n: Int) -> Int { (n + 63) / 64 * 64 }
}
