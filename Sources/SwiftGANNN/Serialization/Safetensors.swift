import Foundation
import SwiftGANEngine

/// Reads and writes the safetensors format (an 8-byte little-endian header length, a JSON
/// header of `{name: {dtype, shape, data_offsets}}`, then the raw little-endian data), the
/// format `safetensors.torch.save_file` and `load_file` use.
///
/// Values are Float32 in SwiftGAN; reading converts F16, BF16, F64 and integer tensors to it.
/// Entries can be written as I64 (PyTorch's `num_batches_tracked`) through `dtypes`.
public enum Safetensors {
    public enum DType: String {
        case f32 = "F32", f64 = "F64", f16 = "F16", bf16 = "BF16", i64 = "I64", i32 = "I32", u8 = "U8"
        /// The order of the reference implementation's dtype enum; it writes larger ranks first.
        var rank: Int {
            switch self {
            case .u8: 1
            case .f16: 7
            case .bf16: 8
            case .i32: 9
            case .f32: 11
            case .f64: 12
            case .i64: 13
            }
        }

        var size: Int {
            switch self {
            case .f64, .i64: 8
            case .f32, .i32: 4
            case .f16, .bf16: 2
            case .u8: 1
            }
        }
    }

    /// Writes `tensors` with optional string metadata, laid out exactly as `safetensors.torch`
    /// lays them out.
    public static func write(_ tensors: [String: Tensor], to path: String, metadata: [String: String] = [:],
                             dtypes: [String: DType] = [:]) throws {
        try AtomicFile.write(encode(tensors, metadata: metadata, dtypes: dtypes), to: path)
    }

    public static func encode(_ tensors: [String: Tensor], metadata: [String: String] = [:],
                              dtypes: [String: DType] = [:]) -> Data {
        var header = "{"
        var entries: [String] = []
        if !metadata.isEmpty {
            let items = metadata.sorted { $0.key < $1.key }.map { "\(JSONText.quoted($0.key)):\(JSONText.quoted($0.value))" }
            entries.append("\"__metadata__\":{\(items.joined(separator: ","))}")
        }
        var offset = 0
        // The reference writer's order: dtype (larger ranks first), then name.
        let names = tensors.keys.sorted {
            let (a, b) = ((dtypes[$0] ?? .f32).rank, (dtypes[$1] ?? .f32).rank)
            return a != b ? a > b : $0 < $1
        }
        for name in names {
            let t = tensors[name]!
            let dtype = dtypes[name] ?? .f32
            precondition(dtype == .f32 || dtype == .i64, "writing \(dtype) is not supported")
            let bytes = t.count * dtype.size
            entries.append("\(JSONText.quoted(name)):{\"dtype\":\"\(dtype.rawValue)\",\"shape\":[\(t.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(offset + bytes)]}")
            offset += bytes
        }
        header += entries.joined(separator: ",") + "}"
        while (8 + header.utf8.count) % 8 != 0 { header += " " }  // align the data to 8 bytes
        var data = Data(capacity: 8 + header.utf8.count + offset)
        var length = UInt64(header.utf8.count).littleEndian
        withUnsafeBytes(of: &length) { data.append(contentsOf: $0) }
        data.append(contentsOf: Array(header.utf8))
        for name in names {
            let t = tensors[name]!
            if dtypes[name] == .i64 {
                let ints = t.scalars.map { Int64($0).littleEndian }
                ints.withUnsafeBytes { data.append(contentsOf: $0) }
            } else {
                data.append(UnsafeBufferPointer(start: t.storage.pointer, count: t.count))
            }
        }
        return data
    }

    /// Reads every tensor in the file, converted to Float32.
    public static func read(_ path: String) throws -> [String: Tensor] {
        try decode(AtomicFile.read(path), path: path).tensors
    }

    /// Reads every tensor and the file's string metadata.
    public static func readWithMetadata(_ path: String) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        try decode(AtomicFile.read(path), path: path)
    }

    public static func decode(_ data: Data, path: String) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        guard data.count >= 8 else { throw SerializationError(path: path, "not a safetensors file (too short)") }
        let headerLength = data.prefix(8).withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard headerLength <= UInt64(data.count - 8) else {
            throw SerializationError(path: path, "not a safetensors file (header length \(headerLength) exceeds file size)")
        }
        let headerData = data.subdata(in: 8..<(8 + Int(headerLength)))
        guard let header = try? JSONSerialization.jsonObject(with: headerData) as? [String: Any] else {
            throw SerializationError(path: path, "not a safetensors file (header is not a JSON object)")
        }
        let body = data.subdata(in: (8 + Int(headerLength))..<data.count)
        var tensors: [String: Tensor] = [:]
        var metadata: [String: String] = [:]
        for (name, value) in header {
            if name == "__metadata__" {
                for (k, v) in (value as? [String: Any]) ?? [:] { metadata[k] = "\(v)" }
                continue
            }
            guard let entry = value as? [String: Any], let dtypeName = entry["dtype"] as? String,
                  let shape = (entry["shape"] as? [NSNumber])?.map(\.intValue),
                  let offsets = (entry["data_offsets"] as? [NSNumber])?.map(\.intValue), offsets.count == 2 else {
                throw SerializationError(path: path, "tensor '\(name)' has a malformed header entry")
            }
            guard let dtype = DType(rawValue: dtypeName) else {
                throw SerializationError(path: path, "tensor '\(name)' has unsupported dtype \(dtypeName)")
            }
            // Sizes come from the file: every product and bound is checked, so a crafted header
            // is an error rather than an overflow or a range outside the data.
            var count = 1, overflow = false
            for dimension in shape where !overflow {
                (count, overflow) = count.multipliedReportingOverflow(by: Swift.max(dimension, 0))
            }
            let (byteCount, overflow2) = count.multipliedReportingOverflow(by: dtype.size)
            guard shape.allSatisfy({ $0 >= 0 }), !overflow, !overflow2 else {
                throw SerializationError(path: path, "tensor '\(name)' has an impossible shape \(shape)")
            }
            guard offsets[0] >= 0, offsets[0] <= offsets[1], offsets[1] <= body.count, offsets[1] - offsets[0] == byteCount else {
                throw SerializationError(path: path, "tensor '\(name)' has data offsets \(offsets) that do not fit shape \(shape) and the file size (truncated?)")
            }
            let values = body.subdata(in: offsets[0]..<offsets[1]).withUnsafeBytes { raw in
                convert(raw, dtype: dtype, count: count)
            }
            tensors[name] = Tensor(values, shape: shape)
        }
        return (tensors, metadata)
    }

    private static func convert(_ raw: UnsafeRawBufferPointer, dtype: DType, count: Int) -> [Float] {
        (0..<count).map { i in
            switch dtype {
            case .f32: Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)))
            case .f64: Float(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self))))
            case .f16: Float(Float16(bitPattern: UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self))))
            case .bf16: Float(bitPattern: UInt32(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self))) << 16)
            case .i64: Float(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: i * 8, as: Int64.self)))
            case .i32: Float(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: i * 4, as: Int32.self)))
            case .u8: Float(raw[i])
            }
        }
    }
}
