import Foundation
import SwiftGANData
import SwiftGANNN

/// The list of a checkpoint's files with each one's size and CRC-32, written last into the
/// checkpoint as `manifest.json`. `--resume` checks the files against it, so a checkpoint that
/// was truncated or damaged on disk is noticed (and an older one used) rather than loaded.
public struct CheckpointManifest: Codable, Equatable, Sendable {
    public struct Entry: Codable, Equatable, Sendable {
        public var bytes: Int
        /// The CRC-32, as 8 lowercase hex digits.
        public var crc32: String
    }

    public static let fileName = "manifest.json"
    public static let currentFormat = 1

    public var format: Int
    public var step: Int
    public var files: [String: Entry]

    /// Lists and checksums every file of `directory` (the manifest itself aside).
    public init(describing directory: String, step: Int) throws {
        format = Self.currentFormat
        self.step = step
        files = [:]
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0 != Self.fileName }
        for name in names {
            let data = try AtomicFile.read("\(directory)/\(name)")
            files[name] = Entry(bytes: data.count, crc32: Self.hex(CRC32.checksum(data)))
        }
    }

    /// Parses a manifest, checking every field (this reads files from disk, so it must reject
    /// anything malformed with an error, never trap).
    public init(decoding data: Data) throws {
        let decoded: CheckpointManifest
        do { decoded = try JSONDecoder().decode(CheckpointManifest.self, from: data) } catch {
            throw ConfigError("not a checkpoint manifest (\(error.localizedDescription))")
        }
        guard decoded.format == Self.currentFormat else {
            throw ConfigError("manifest format \(decoded.format); this version reads format \(Self.currentFormat)")
        }
        guard decoded.step >= 0 else { throw ConfigError("manifest step \(decoded.step) is negative") }
        for (name, entry) in decoded.files {
            guard !name.isEmpty, !name.contains("/"), name != "." && name != ".." else {
                throw ConfigError("manifest names a file outside the checkpoint: '\(name)'")
            }
            guard entry.bytes >= 0 else { throw ConfigError("\(name): negative size in the manifest") }
            guard entry.crc32.count == 8, UInt32(entry.crc32, radix: 16) != nil else {
                throw ConfigError("\(name): the manifest's CRC-32 '\(entry.crc32)' is not 8 hex digits")
            }
        }
        self = decoded
    }

    /// Writes the manifest of `directory` into it.
    public static func write(describing directory: String, step: Int) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(encoder.encode(CheckpointManifest(describing: directory, step: step)), to: "\(directory)/\(fileName)")
    }

    /// Checks the checkpoint in `directory` against its manifest; throws naming the first file
    /// that is missing, has another size, or another checksum. Returns false when the
    /// checkpoint has no manifest (one written by an earlier SwiftGAN).
    @discardableResult
    public static func verify(_ directory: String, step: Int) throws -> Bool {
        let path = "\(directory)/\(fileName)"
        guard FileManager.default.fileExists(atPath: path) else { return false }
        let manifest = try CheckpointManifest(decoding: AtomicFile.read(path))
        guard manifest.step == step else {
            throw ConfigError("\(fileName) is for step \(manifest.step), not \(step)")
        }
        for (name, entry) in manifest.files.sorted(by: { $0.key < $1.key }) {
            let file = "\(directory)/\(name)"
            guard FileManager.default.fileExists(atPath: file) else { throw ConfigError("\(name) is missing") }
            let data = try AtomicFile.read(file)
            guard data.count == entry.bytes else {
                throw ConfigError("\(name) has \(data.count) bytes, the manifest says \(entry.bytes) (truncated?)")
            }
            let crc = hex(CRC32.checksum(data))
            guard crc == entry.crc32 else {
                throw ConfigError("\(name) fails its checksum (CRC-32 \(crc), the manifest says \(entry.crc32))")
            }
        }
        return true
    }

    static func hex(_ value: UInt32) -> String { String(format: "%08x", value) }
}
