import CZlib
import Foundation

/// Reads the text chunks of a PNG file (tEXt, and iTXt without compression): where SwiftGAN
/// keeps an image's provenance. Every length is checked against the file before it is used,
/// and every chunk's CRC is checked, so a damaged or hostile file gives a one-line error.
public enum PNGText {
    public struct FormatError: Error, CustomStringConvertible {
        public let description: String
        init(_ path: String, _ problem: String) { description = "\(path): \(problem)" }
    }

    /// The (keyword, text) pairs of the PNG `data` read from `path` (named in errors), in file order.
    public static func read(_ data: Data, path: String) throws -> [(keyword: String, text: String)] {
        let bytes = [UInt8](data)
        guard bytes.count >= 8, bytes[0..<8].elementsEqual([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) else {
            throw FormatError(path, "not a PNG file (no PNG signature)")
        }
        var entries = [(keyword: String, text: String)]()
        var offset = 8
        while true {
            guard bytes.count - offset >= 12 else { throw FormatError(path, "ends inside a chunk header at byte \(offset) (truncated?)") }
            let length = Int(bytes[offset]) << 24 | Int(bytes[offset + 1]) << 16 | Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
            let type = String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self)
            guard length <= Int(Int32.max), bytes.count - offset - 12 >= length else {
                throw FormatError(path, "chunk '\(type)' at byte \(offset) claims \(length) bytes, past the end of the file")
            }
            let body = Array(bytes[(offset + 8)..<(offset + 8 + length)])
            let stored = bytes[(offset + 8 + length)..<(offset + 12 + length)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            let computed = bytes[(offset + 4)..<(offset + 8 + length)].withContiguousStorageIfAvailable {
                UInt32(crc32(0, $0.baseAddress, uInt($0.count)))
            } ?? 0
            guard stored == computed else { throw FormatError(path, "chunk '\(type)' at byte \(offset) fails its CRC (damaged file)") }
            switch type {
            case "tEXt":
                guard let nul = body.firstIndex(of: 0), nul > 0 else { throw FormatError(path, "tEXt chunk at byte \(offset) has no keyword") }
                entries.append((latin1(body[..<nul]), latin1(body[(nul + 1)...])))
            case "iTXt":
                // keyword NUL, compression flag, method, language tag NUL, translated keyword NUL, UTF-8 text
                let parts = body.split(separator: 0, maxSplits: 1, omittingEmptySubsequences: false)
                guard parts.count == 2, !parts[0].isEmpty, parts[1].count >= 2 else {
                    throw FormatError(path, "iTXt chunk at byte \(offset) is malformed")
                }
                let rest = parts[1]
                let fields = rest.dropFirst(2).split(separator: 0, maxSplits: 2, omittingEmptySubsequences: false)
                guard fields.count == 3 else { throw FormatError(path, "iTXt chunk at byte \(offset) is malformed") }
                // Compressed text is not SwiftGAN's: skipped.
                if rest[rest.startIndex] == 0 { entries.append((latin1(parts[0]), String(decoding: fields[2], as: UTF8.self))) }
            case "IEND":
                return entries
            default:
                break
            }
            offset += 12 + length
        }
    }

    /// The text chunks of the PNG file at `path`.
    public static func read(file path: String) throws -> [(keyword: String, text: String)] {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe) } catch {
            throw FormatError(path, "cannot be read (\((error as NSError).localizedDescription))")
        }
        return try read(data, path: path)
    }

    /// PNG keywords: 1 to 79 printable Latin-1 characters, no leading, trailing or double spaces.
    public static func isValidKeyword(_ keyword: String) -> Bool {
        let scalars = keyword.unicodeScalars
        return (1...79).contains(scalars.count) && isLatin1(keyword) && scalars.allSatisfy { $0.value >= 32 && $0.value != 127 }
            && scalars.first != " " && scalars.last != " " && !keyword.contains("  ")
    }

    public static func isLatin1(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { $0.value > 0 && $0.value < 256 }
    }

    private static func latin1<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
    }
}
