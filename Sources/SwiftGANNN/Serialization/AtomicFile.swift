import Foundation

/// Writes files so that a crash never leaves a half-written one: the bytes go to a temporary
/// file beside the target, are flushed to disk (fsync), and the temporary file is renamed over
/// the target. A symbolic link is written through (its target is replaced, the link kept); a
/// path that names a directory, a device, a FIFO or a socket is refused, never replaced.
public enum AtomicFile {
    public static func write(_ data: Data, to destination: String) throws {
        let path = try regularFileTarget(destination)
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

    /// The file a write to `path` replaces: `path`, or where its symbolic links lead; throws
    /// when that exists and is not a regular file.
    static func regularFileTarget(_ path: String) throws -> String {
        var info = stat()
        guard lstat(path, &info) == 0 else { return path }
        var target = path
        if info.st_mode & S_IFMT == S_IFLNK {
            target = (path as NSString).resolvingSymlinksInPath
            guard stat(target, &info) == 0 else { return target }
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return target
        case S_IFDIR: throw SerializationError(path: path, "is a directory")
        default: throw SerializationError(path: path, "exists and is not a regular file (a device, FIFO or socket); not replaced")
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
