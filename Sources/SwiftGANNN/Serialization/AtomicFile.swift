import Foundation

/// Writes files so that a crash never leaves a half-written one: the bytes go to a temporary
/// file beside the target, are flushed to disk (fsync), and the temporary file is renamed over
/// the target.
public enum AtomicFile {
    public static func write(_ data: Data, to path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        let temporary = (directory.isEmpty ? "." : directory) + "/.\((path as NSString).lastPathComponent).tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw SerializationError(path: path, "cannot create file (\(String(cString: strerror(errno))))") }
        var ok = data.withUnsafeBytes { raw -> Bool in
            var offset = 0
            while offset < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n <= 0 { return false }
                offset += n
            }
            return true
        }
        ok = ok && fsync(fd) == 0
        close(fd)
        guard ok, rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw SerializationError(path: path, "cannot write file (\(reason))")
        }
    }

    /// Reads a whole file, with an error that names it.
    public static func read(_ path: String) throws -> Data {
        guard FileManager.default.fileExists(atPath: path) else { throw SerializationError(path: path, "no such file") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SerializationError(path: path, "cannot read file")
        }
        return data
    }
}
