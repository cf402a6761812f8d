import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

/// Headers whose sizes overflow, are negative or point past the file: each is an error naming
/// the file, never an overflow trap or an out-of-range read.
@Suite struct CraftedHeaderTests {
    func npy(shape: String, payload: Int = 64) -> Data {
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': \(shape), }"
        header += String(repeating: " ", count: (64 - (10 + header.utf8.count + 1) % 64) % 64) + "\n"
        return Data([0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count & 0xff), UInt8(header.utf8.count >> 8)])
            + Data(header.utf8) + Data(count: payload)
    }

    @Test(arguments: ["(4611686018427387904, 8)", "(-1, 4)", "(3, x)", "(9223372036854775807,)"])
    func npyShapesThatCannotBeAreErrors(_ shape: String) {
        let error = #expect(throws: SerializationError.self) { try NPY.decode(npy(shape: shape), path: "crafted.npy") }
        #expect(error?.description.hasPrefix("crafted.npy: ") == true, "\(error.map(String.init(describing:)) ?? "no error")")
    }

    func safetensors(_ entry: String, payload: Int = 16) -> Data {
        var header = "{\"w\":\(entry)}"
        while (8 + header.utf8.count) % 8 != 0 { header += " " }
        var length = UInt64(header.utf8.count).littleEndian
        return Data(bytes: &length, count: 8) + Data(header.utf8) + Data(count: payload)
    }

    @Test(arguments: [
        #"{"dtype":"F32","shape":[4],"data_offsets":[0,4096]}"#,            // past the end
        #"{"dtype":"F32","shape":[0],"data_offsets":[16,0]}"#,              // reversed
        #"{"dtype":"F32","shape":[4],"data_offsets":[-16,0]}"#,             // negative
        #"{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,16]}"#,  // product overflows
        #"{"dtype":"F64","shape":[2305843009213693952],"data_offsets":[0,16]}"#,    // bytes overflow
        #"{"dtype":"F32","shape":[-2,-2],"data_offsets":[0,16]}"#,          // negative dimensions
    ])
    func safetensorsEntriesThatCannotBeAreErrors(_ entry: String) {
        let error = #expect(throws: SerializationError.self) { try Safetensors.decode(safetensors(entry), path: "crafted.safetensors") }
        #expect(error?.description.hasPrefix("crafted.safetensors: tensor 'w'") == true, "\(error.map(String.init(describing:)) ?? "no error")")
    }
}
