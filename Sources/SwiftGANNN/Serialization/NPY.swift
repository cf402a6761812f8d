import Foundation
import SwiftGANEngine

/// Reads and writes NumPy `.npy` files holding float32 arrays in C order (`np.save`, `np.load`).
/// Reading also accepts float64, converted to Float32; `readIntegers` reads int64 and int32 arrays
/// (class labels).
public enum NPY {
    public static func write(_ tensor: Tensor, to path: String) throws {
        try AtomicFile.write(encode(tensor), to: path)
    }

    public static func encode(_ tensor: Tensor) -> Data {
        var data = header(descr: "<f4", shape: tensor.shape)
        data.append(UnsafeBufferPointer(start: tensor.storage.pointer, count: tensor.count))
        return data
    }

    /// Writes integers (class labels) as an int64 array of `shape` (default: one dimension).
    public static func writeIntegers(_ values: [Int], shape: [Int]? = nil, to path: String) throws {
        let shape = shape ?? [values.count]
        precondition(shape.reduce(1, *) == values.count, "NPY.writeIntegers: \(values.count) values for shape \(shape)")
        var data = header(descr: "<i8", shape: shape)
        values.map { Int64($0).littleEndian }.withUnsafeBufferPointer { data.append($0) }
        try AtomicFile.write(data, to: path)
    }

    /// The magic, version and header of a C-order array, padded to a multiple of 64 bytes.
    private static func header(descr: String, shape: [Int]) -> Data {
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(\(shape.map(String.init).joined(separator: ", ")))"
        var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shapeText), }"
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        var length = UInt16(header.utf8.count).littleEndian
        withUnsafeBytes(of: &length) { data.append(contentsOf: $0) }
        data.append(contentsOf: Array(header.utf8))
        return data
    }

    public static func read(_ path: String) throws -> Tensor {
        try decode(AtomicFile.read(path), path: path)
    }

    public static func decode(_ data: Data, path: String) throws -> Tensor {
        let (values, shape) = try elements(data, path: path, itemSizes: ["'<f4'": 4, "'float32'": 4, "'<f8'": 8, "'float64'": 8],
                                           refusal: { "unsupported dtype \($0) (need float32 '<f4')" }) { raw, i, itemSize in
            itemSize == 4 ? Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
                : Float(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))))
        }
        return Tensor(values, shape: shape)
    }

    /// Reads an integer array (int64 '<i8' or int32 '<i4', as `np.save` writes class labels):
    /// its values and shape.
    public static func readIntegers(_ path: String) throws -> (values: [Int], shape: [Int]) {
        try decodeIntegers(AtomicFile.read(path), path: path)
    }

    /// An integer array from a .npy file's bytes (see `readIntegers`); `path` names it in errors.
    public static func decodeIntegers(_ data: Data, path: String) throws -> (values: [Int], shape: [Int]) {
        try elements(data, path: path, itemSizes: ["'<i8'": 8, "'int64'": 8, "'<i4'": 4, "'int32'": 4],
                     refusal: { "dtype \($0) is not an integer type (need int64 '<i8' or int32 '<i4')" }) { raw, i, itemSize in
            itemSize == 8 ? Int(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self)))
                : Int(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self)))
        }
    }

    /// The elements of an array whose dtype `itemSizes` names (with its item size), each read by
    /// `element(bytes, index, itemSize)`, and its shape; another dtype is refused with `refusal`.
    private static func elements<T>(_ data: Data, path: String, itemSizes: [String: Int], refusal: (String) -> String,
                                    element: (UnsafeRawBufferPointer, Int, Int) -> T) throws -> (values: [T], shape: [Int]) {
        let array = try parse(data, path: path)
        guard let itemSize = itemSizes[array.descr] else { throw SerializationError(path: path, refusal(array.descr)) }
        let start = try array.dataStart(itemSize: itemSize, bytes: data.count, path: path)
        let values = data.subdata(in: start..<(start + array.count * itemSize)).withUnsafeBytes { raw in
            (0..<array.count).map { element(raw, $0, itemSize) }
        }
        return (values, array.shape)
    }

    /// A parsed .npy header: dtype text, shape, element count and where the data starts.
    private struct Header {
        let descr: String
        let shape: [Int]
        let count: Int
        let start: Int

        /// The data offset, once the file is known to hold `count` items of `itemSize` bytes.
        func dataStart(itemSize: Int, bytes: Int, path: String) throws -> Int {
            let (byteCount, overflow) = count.multipliedReportingOverflow(by: itemSize)
            guard !overflow, bytes - start >= byteCount else {
                throw SerializationError(path: path, "truncated data: shape \(shape) needs \(overflow ? "more than \(Int.max)" : "\(byteCount)") bytes, file has \(bytes - start)")
            }
            return start
        }
    }

    private static func parse(_ data: Data, path: String) throws -> Header {
        let bytes = [UInt8](data.prefix(65_536 + 12))
        guard bytes.count >= 10, bytes[0] == 0x93, Array(bytes[1..<6]) == Array("NUMPY".utf8) else {
            throw SerializationError(path: path, "not a .npy file (bad magic)")
        }
        let major = bytes[6]
        let headerStart = major == 1 ? 10 : 12
        guard bytes.count >= headerStart else { throw SerializationError(path: path, "truncated .npy header") }
        let headerLength = major == 1 ? Int(bytes[8]) | Int(bytes[9]) << 8
            : Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
        guard data.count >= headerStart + headerLength else { throw SerializationError(path: path, "truncated .npy header") }
        let header = String(decoding: data.subdata(in: headerStart..<(headerStart + headerLength)), as: UTF8.self)
        guard let descr = field("descr", in: header) else { throw SerializationError(path: path, "no 'descr' in .npy header") }
        if field("fortran_order", in: header) == "True" {
            throw SerializationError(path: path, "Fortran-ordered arrays are not supported (save with C order)")
        }
        guard let shapeText = field("shape", in: header) else { throw SerializationError(path: path, "no 'shape' in .npy header") }
        let entries = shapeText.trimmingCharacters(in: CharacterSet(charactersIn: "() "))
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        var shape: [Int] = []
        var count = 1
        for entry in entries {
            guard let dimension = Int(entry), dimension >= 0 else {
                throw SerializationError(path: path, "bad shape \(shapeText) in .npy header (dimensions must be non-negative integers)")
            }
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow else { throw SerializationError(path: path, "shape \(shapeText) in .npy header has more elements than memory can address") }
            shape.append(dimension)
            count = product
        }
        return Header(descr: descr, shape: shape, count: count, start: headerStart + headerLength)
    }

    /// The raw text of `'key': value` in a .npy header dictionary.
    private static func field(_ key: String, in header: String) -> String? {
        guard let keyRange = header.range(of: "'\(key)':") else { return nil }
        let rest = header[keyRange.upperBound...].trimmingCharacters(in: .whitespaces)
        if rest.hasPrefix("(") {
            guard let close = rest.firstIndex(of: ")") else { return nil }
            return String(rest[...close])
        }
        let end = rest.firstIndex(where: { $0 == "," || $0 == "}" }) ?? rest.endIndex
        return rest[..<end].trimmingCharacters(in: .whitespaces)
    }
}
