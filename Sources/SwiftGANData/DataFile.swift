import Foundation

/// Reads a data file whole, with a `DataError` that names it when it is missing or unreadable.
enum DataFile {
    static func bytes(_ path: String) throws -> [UInt8] {
        guard FileManager.default.fileExists(atPath: path) else { throw DataError(path: path, "no such file") }
        guard let data = FileManager.default.contents(atPath: path) else { throw DataError(path: path, "cannot read file") }
        return [UInt8](data)
    }
}
