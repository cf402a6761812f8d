import Foundation
import SwiftGAN

/// Writes small PNG and JPEG files for the image-folder tests.
public enum TestImages {
    /// A PNG of `width`×`height` pixels; `pixel(x, y)` gives one byte (gray) or three (RGB).
    public static func writePNG(_ path: String, width: Int, height: Int, rgb: Bool = false,
                                pixel: (Int, Int) -> [UInt8]) throws {
        let pixels = (0..<height).flatMap { y in (0..<width).flatMap { x in pixel(x, y) } }
        try write(PNG.encode(width: width, height: height, color: rgb ? .rgb : .gray, pixels: pixels), to: path)
    }

    /// A gray PNG filled with `value`.
    public static func writePNG(_ path: String, width: Int, height: Int, value: UInt8) throws {
        try writePNG(path, width: width, height: height) { _, _ in [value] }
    }

    /// A JPEG (quality 95) of gray or RGB pixels.
    public static func writeJPEG(_ path: String, width: Int, height: Int, rgb: Bool = false,
                                 pixel: (Int, Int) -> [UInt8]) throws {
        let pixels = (0..<height).flatMap { y in (0..<width).flatMap { x in pixel(x, y) } }
        try write(JPEG.encode(width: width, height: height, channels: rgb ? 3 : 1, pixels: pixels, quality: 95), to: path)
    }

    public static func write(_ data: Data, to path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try data.write(to: URL(fileURLWithPath: path))
    }

    /// Collects the warnings a load gives.
    public final class Warnings {
        public private(set) var lines: [String] = []
        public init() {}
        public func callAsFunction(_ line: String) { lines.append(line) }
    }
}

extension DataLayout {
    /// The single-image collection of an `.images` layout (nil for the others).
    public var singleImages: (any ImageCollection)? {
        if case .images(let images) = self { return images }
        return nil
    }

    /// Both collections of a paired or unpaired layout, and whether it is paired.
    public var domains: (a: any ImageCollection, b: any ImageCollection, paired: Bool)? {
        switch self {
        case .images: nil
        case .paired(let a, let b): (a, b, true)
        case .unpaired(let a, let b): (a, b, false)
        }
    }
}
