import CZlib
import Foundation

/// Reads files that may be gzip-compressed: the bytes are inflated when they start with the
/// gzip magic number and returned as they are otherwise.
public enum Gzip {
    ///
    /// `expectedSize` sees the output inflated so far and returns the file's full size once it
    /// can tell (from a header); inflating stops with an error as soon as the output passes it,
    /// so a small corrupt file cannot fill memory.
    public static func readMaybeCompressed(_ path: String, expectedSize: ([UInt8]) throws -> Int? = { _ in nil }) throws -> [UInt8] {
        try inflateIfCompressed(DataFile.bytes(path), path: path, expectedSize: expectedSize)
    }

    /// `bytes` inflated when they start with the gzip magic number, as they are otherwise.
    public static func inflateIfCompressed(_ bytes: [UInt8], path: String, expectedSize: ([UInt8]) throws -> Int? = { _ in nil }) throws -> [UInt8] {
        guard bytes.count >= 2, bytes[0] == 0x1f, bytes[1] == 0x8b else { return bytes }
        return try inflate(bytes, path: path, expectedSize: expectedSize)
    }

    /// Compresses `input` as a gzip stream (what `gzip` writes).
    public static func compress(_ input: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        precondition(deflateInit2_(&stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                                   Int32(MemoryLayout<z_stream>.size)) == Z_OK, "cannot initialize zlib")
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))) + 32)
        var input = input
        let produced = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer -> Int in
                stream.next_in = inBuffer.baseAddress
                stream.avail_in = uInt(inBuffer.count)
                stream.next_out = outBuffer.baseAddress
                stream.avail_out = uInt(outBuffer.count)
                precondition(deflate(&stream, Z_FINISH) == Z_STREAM_END, "zlib deflate did not finish")
                return outBuffer.count - Int(stream.avail_out)
            }
        }
        return Array(output[0..<produced])
    }

    /// Inflates a whole gzip stream (concatenated members included), in chunks of at most 256 KiB,
    /// stopping with an error when the output passes what `expectedSize` announces (see
    /// `readMaybeCompressed`).
    public static func inflate(_ input: [UInt8], path: String, expectedSize: ([UInt8]) throws -> Int? = { _ in nil }) throws -> [UInt8] {
        var stream = z_stream()
        guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw DataError(path: path, "cannot initialize zlib")
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        output.reserveCapacity(input.count * 4)
        var chunk = [UInt8](repeating: 0, count: 1 << 18)
        var status: Int32 = Z_OK
        var limit: Int?
        try input.withUnsafeBufferPointer { inBuffer in
            stream.next_in = UnsafeMutablePointer(mutating: inBuffer.baseAddress!)
            stream.avail_in = uInt(inBuffer.count)
            repeat {
                try chunk.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress!
                    // One byte past the limit is enough to know the data is too long.
                    stream.avail_out = uInt(limit.map { min(out.count, $0 - output.count + 1) } ?? out.count)
                    status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    guard status == Z_OK || status == Z_STREAM_END else {
                        throw DataError(path: path, status == Z_BUF_ERROR ? "truncated gzip data" : "corrupt gzip data (zlib error \(status))")
                    }
                    output.append(contentsOf: out[0..<(Int(stream.next_out - out.baseAddress!))])
                }
                if limit == nil { limit = try expectedSize(output) }
                if let limit, output.count > limit {
                    throw DataError(path: path, "corrupt: more data than the header says (\(limit) bytes)")
                }
                if status == Z_STREAM_END && stream.avail_in > 0 {
                    guard inflateReset(&stream) == Z_OK else { throw DataError(path: path, "corrupt gzip data") }
                    status = Z_OK
                }
            } while status != Z_STREAM_END && (stream.avail_in > 0 || stream.avail_out == 0)
        }
        guard status == Z_STREAM_END else { throw DataError(path: path, "truncated gzip data") }
        return output
    }
}
