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
        let data = try Gzip.readMaybeCompressed(path)
        guard data.count >= 4 else { throw DataError(path: path, "not an IDX file (too short)") }
        guard data[0] == 0, data[1] == 0 else { throw DataError(path: path, "not an IDX file (bad magic number)") }
        guard data[2] == 0x08 else { throw DataError(path: path, "unsupported IDX element type 0x\(String(data[2], radix: 16)) (need unsigned bytes)") }
        let rank = Int(data[3])
        guard rank >= 1, rank <= 4, data.count >= 4 + 4 * rank else { throw DataError(path: path, "not an IDX file (bad header)") }
        let shape = (0..<rank).map { d in
            (0..<4).reduce(0) { $0 << 8 | Int(data[4 + 4 * d + $1]) }
        }
        let start = 4 + 4 * rank
        let expected = shape.reduce(1, *)
        guard data.count - start >= expected else {
            throw DataError(path: path, "truncated: header says \(shape.map(String.init).joined(separator: "×")) = \(expected) bytes, file has \(data.count - start)")
        }
        guard data.count - start == expected else {
            throw DataError(path: path, "corrupt: \(data.count - start - expected) bytes after the data the header describes")
        }
        return IDXFile(shape: shape, bytes: Array(data[start...]))
    }
}
