import Foundation
import SwiftGANImageCodecs

/// An image decoded to 8-bit gray (1 channel) or RGB (3 channels), rows top to bottom.
public struct DecodedImage: Equatable {
    public var width: Int
    public var height: Int
    public var channels: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) {
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }
}

/// The size and color of an image file, read from its header without decoding the pixels.
public struct ImageHeader: Equatable {
    public var width: Int
    public var height: Int
    /// 1 for grayscale, 3 for color (palettes count as color).
    public var channels: Int

    public init(width: Int, height: Int, channels: Int) {
        self.width = width
        self.height = height
        self.channels = channels
    }
}

/// Reads PNG and JPEG files through libpng and libjpeg-turbo. The format is recognised by the
/// file's first bytes, not its extension; damaged files throw a `DataError` naming the file.
public enum ImageFile {
    /// The file extensions image folders are searched for (compared case-insensitively).
    public static let extensions: Set<String> = ["png", "jpg", "jpeg"]

    private enum Format { case png, jpeg }

    public static func header(_ path: String) throws -> ImageHeader {
        try header(read(path), path: path)
    }

    /// The header of a PNG or JPEG file's bytes; `path` names it in errors.
    public static func header(_ bytes: Data, path: String) throws -> ImageHeader {
        let format = try format(of: bytes, path: path)
        var width: Int32 = 0, height: Int32 = 0, channels: Int32 = 0
        var message = [CChar](repeating: 0, count: Int(SGIC_MESSAGE_SIZE))
        let status = bytes.withUnsafeBytes { raw in
            let base = raw.bindMemory(to: UInt8.self).baseAddress
            return format == .png
                ? sgic_png_header(base, raw.count, &width, &height, &channels, &message)
                : sgic_jpeg_header(base, raw.count, &width, &height, &channels, &message)
        }
        guard status == 0 else { throw DataError(path: path, String(cString: message)) }
        return ImageHeader(width: Int(width), height: Int(height), channels: Int(channels))
    }

    public static func decode(_ path: String) throws -> DecodedImage {
        try decode(read(path), path: path)
    }

    /// Decodes a PNG or JPEG file's bytes; `path` names it in errors.
    public static func decode(_ bytes: Data, path: String) throws -> DecodedImage {
        let format = try format(of: bytes, path: path)
        var image = sgic_image()
        var message = [CChar](repeating: 0, count: Int(SGIC_MESSAGE_SIZE))
        let status = bytes.withUnsafeBytes { raw in
            let base = raw.bindMemory(to: UInt8.self).baseAddress
            return format == .png
                ? sgic_png_decode(base, raw.count, &image, &message)
                : sgic_jpeg_decode(base, raw.count, &image, &message)
        }
        guard status == 0, let pixels = image.pixels else { throw DataError(path: path, String(cString: message)) }
        defer { sgic_free(pixels) }
        let count = Int(image.width) * Int(image.height) * Int(image.channels)
        return DecodedImage(width: Int(image.width), height: Int(image.height), channels: Int(image.channels),
                            pixels: Array(UnsafeBufferPointer(start: pixels, count: count)))
    }

    private static func read(_ path: String) throws -> Data {
        guard let data = FileManager.default.contents(atPath: path) else { throw DataError(path: path, "cannot read file") }
        return data
    }

    private static func format(of data: Data, path: String) throws -> Format {
        if data.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return .png }
        if data.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        throw DataError(path: path, data.isEmpty ? "empty file" : "not a PNG or JPEG file")
    }
}

/// Encodes 8-bit gray or RGB pixels as JPEG (libjpeg-turbo), for making test data.
public enum JPEG {
    public static func encode(width: Int, height: Int, channels: Int, pixels: [UInt8], quality: Int = 90) throws -> Data {
        guard pixels.count == width * height * channels else {
            throw DataError(path: "<jpeg>", "\(pixels.count) bytes for a \(width)×\(height)×\(channels) image")
        }
        var output: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        var message = [CChar](repeating: 0, count: Int(SGIC_MESSAGE_SIZE))
        let status = sgic_jpeg_encode(pixels, Int32(width), Int32(height), Int32(channels), Int32(quality),
                                      &output, &size, &message)
        guard status == 0, let output else { throw DataError(path: "<jpeg>", String(cString: message)) }
        defer { sgic_free(output) }
        return Data(bytes: output, count: Int(size))
    }
}
