import CZlib
import Foundation

/// Encodes 8-bit grayscale or RGB images as PNG.
public enum PNG {
    public enum ColorType: UInt8 {
        case gray = 0
        case rgb = 2
        var channels: Int { self == .gray ? 1 : 3 }
    }

    /// A PNG of `width`×`height` pixels, `pixels` row-major with 1 (gray) or 3 (RGB) bytes each,
    /// carrying `text` as tEXt chunks (keyword, text) before the image data.
    public static func encode(width: Int, height: Int, color: ColorType, pixels: [UInt8], text: [(String, String)] = []) -> Data {
        var png = start(width: width, height: height, color: color, text: text)
        png.append(chunk("IDAT", compressedScanlines(width: width, height: height, color: color, pixels: pixels)))
        png.append(chunk("IEND", []))
        return png
    }

    /// The signature, IHDR and tEXt chunks of an image.
    static func start(width: Int, height: Int, color: ColorType, text: [(String, String)]) -> Data {
        var png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        var header = [UInt8]()
        header += bigEndian(UInt32(width)) + bigEndian(UInt32(height))
        header += [8, color.rawValue, 0, 0, 0]
        png.append(chunk("IHDR", header))
        for (keyword, value) in text {
            precondition(PNGText.isValidKeyword(keyword) && PNGText.isLatin1(value), "tEXt '\(keyword)' is not Latin-1 text")
            png.append(chunk("tEXt", Array(keyword.unicodeScalars.map { UInt8($0.value) }) + [0] + value.unicodeScalars.map { UInt8($0.value) }))
        }
        return png
    }

    /// The zlib stream of an image's rows, each with filter type 0 (none).
    static func compressedScanlines(width: Int, height: Int, color: ColorType, pixels: [UInt8]) -> [UInt8] {
        precondition(pixels.count == width * height * color.channels, "pixel count does not match the size")
        var raw = [UInt8]()
        raw.reserveCapacity((width * color.channels + 1) * height)
        let stride = width * color.channels
        for y in 0..<height {
            raw.append(0)  // filter: none
            raw.append(contentsOf: pixels[(y * stride)..<((y + 1) * stride)])
        }
        return deflate(raw)
    }

    private static func deflate(_ bytes: [UInt8]) -> [UInt8] {
        var length = compressBound(uLong(bytes.count))
        var out = [UInt8](repeating: 0, count: Int(length))
        let status = compress2(&out, &length, bytes, uLong(bytes.count), 6)
        precondition(status == Z_OK, "zlib compress failed with \(status)")
        return Array(out[0..<Int(length)])
    }

    static func chunk(_ type: String, _ data: [UInt8]) -> Data {
        let typeBytes = Array(type.utf8)
        var out = Data(bigEndian(UInt32(data.count)))
        out.append(contentsOf: typeBytes)
        out.append(contentsOf: data)
        let crc = (typeBytes + data).withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) }
        out.append(contentsOf: bigEndian(UInt32(crc)))
        return out
    }

    static func bigEndian(_ v: UInt32) -> [UInt8] {
        [UInt8(v >> 24), UInt8(v >> 16 & 0xff), UInt8(v >> 8 & 0xff), UInt8(v & 0xff)]
    }
}
