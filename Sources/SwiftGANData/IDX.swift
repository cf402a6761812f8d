/// The IDX format of MNIST and Fashion-MNIST: a big-endian magic number (0x0000_08NN for
/// unsigned bytes with NN dimensions), the dimensions as big-endian UInt32, then the bytes.
/// Files may be gzip-compressed.
public struct IDXFile {
    public let shape: [Int]
    public let bytes: [UInt8]

    public init(shape: [Int], bytes: [UInt8]) {
        precondition(shape.reduce(1, *) == bytes.count, "IDX shape \(shape) does not match \(bytes.count) bytes")
        self.shape = shape
        self.bytes = bytes
    }

    /// The file's bytes: header and data, uncompressed.
    public func encoded() -> [UInt8] {
        var out: [UInt8] = [0, 0, 0x08, UInt8(shape.count)]
        for d in shape { out += [UInt8(d >> 24 & 0xff), UInt8(d >> 16 & 0xff), UInt8(d >> 8 & 0xff), UInt8(d & 0xff)] }
        return out + bytes
    }

    public static func read(_ path: String) throws -> IDXFile {
        try decode(DataFile.bytes(path), path: path)
    }

    /// An IDX file from its bytes, gzip-compressed or not; `path` names it in errors.
    public static func decode(_ file: [UInt8], path: String) throws -> IDXFile {
        // A compressed file is inflated no further than its header says it holds.
        let data = try Gzip.inflateIfCompressed(file, path: path) { prefix in
            try header(prefix, path: path).map { $0.dataStart + $0.dataCount }
        }
        guard data.count >= 4 else { throw DataError(path: path, "not an IDX file (too short)") }
        guard let (shape, start, expected) = try header(data, path: path) else { throw DataError(path: path, "not an IDX file (bad header)") }
        guard data.count - start >= expected else {
            throw DataError(path: path, "truncated: header says \(shape.map(String.init).joined(separator: "×")) = \(expected) bytes, file has \(data.count - start)")
        }
        guard data.count - start == expected else {
            throw DataError(path: path, "corrupt: \(data.count - start - expected) bytes after the data the header describes")
        }
        return IDXFile(shape: shape, bytes: Array(data[start...]))
    }

    /// The shape, where the data starts and its size in bytes, from the first bytes of a file;
    /// nil while `data` is too short to hold the header. Sizes are overflow-checked: a header's
    /// four dimensions can multiply past Int.max.
    static func header(_ data: [UInt8], path: String) throws -> (shape: [Int], dataStart: Int, dataCount: Int)? {
        guard data.count >= 4 else { return nil }
        guard data[0] == 0, data[1] == 0 else { throw DataError(path: path, "not an IDX file (bad magic number)") }
        guard data[2] == 0x08 else { throw DataError(path: path, "unsupported IDX element type 0x\(String(data[2], radix: 16)) (need unsigned bytes)") }
        let rank = Int(data[3])
        guard rank >= 1, rank <= 4 else { throw DataError(path: path, "not an IDX file (bad header: rank \(rank))") }
        guard data.count >= 4 + 4 * rank else { return nil }
        let shape = (0..<rank).map { d in
            (0..<4).reduce(0) { $0 << 8 | Int(data[4 + 4 * d + $1]) }
        }
        var count = 1
        for dimension in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow else {
                throw DataError(path: path, "corrupt header: dimensions \(shape.map(String.init).joined(separator: "×")) overflow")
            }
            count = product
        }
        let start = 4 + 4 * rank
        guard count <= Int.max - start else {
            throw DataError(path: path, "corrupt header: dimensions \(shape.map(String.init).joined(separator: "×")) overflow")
        }
        return (shape, start, count)
    }
}
