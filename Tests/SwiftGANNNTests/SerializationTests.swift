import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

@Suite struct SafetensorsTests {
    @Test func writesTheSameBytesAsSafetensorsTorch() throws {
        let reference = try AtomicFile.read(Fixtures.path("layout_reference.safetensors"))
        let ours = Safetensors.encode([
            "b.bias": Tensor([0, 1, 2]),
            "a.weight": Tensor((0..<6).map { Float($0) / 7 }, shape: [2, 3]),
            "scalar": Tensor(scalar: 2.5),
        ])
        #expect(ours == reference)
    }

    @Test func readsPyTorchCheckpointsIncludingBareSequentials() throws {
        final class Wrapper: Module, UnaryLayer {
            let net = Sequential(Linear(3, 2))
            func callAsFunction(_ x: Tensor) -> Tensor { net(x) }
        }
        let wrapped = Wrapper()
        try wrapped.load(from: Fixtures.path("torch_sequential.safetensors"))
        let raw = try Safetensors.read(Fixtures.path("torch_sequential.safetensors"))
        #expect(wrapped.net.layers[0].namedParameters()[0].1.scalars == raw["0.weight"]!.scalars)
    }

    @Test func roundTripsWithMetadataAndInt64() throws {
        let dir = try Fixtures.temporaryDirectory()
        let path = dir + "/x.safetensors"
        try Safetensors.write(["w": Tensor([1.5, -2], shape: [2, 1]), "count": Tensor(scalar: 7)], to: path,
                              metadata: ["step": "3"], dtypes: ["count": .i64])
        let (tensors, metadata) = try Safetensors.readWithMetadata(path)
        #expect(tensors["w"]!.scalars == [1.5, -2] && tensors["w"]!.shape == [2, 1])
        #expect(tensors["count"]!.item == 7 && metadata["step"] == "3")
    }

    @Test func truncatedAndMissingFilesNameTheFile() throws {
        let dir = try Fixtures.temporaryDirectory()
        let full = try AtomicFile.read(Fixtures.path("torch_sequential.safetensors"))
        let path = dir + "/cut.safetensors"
        try full.prefix(full.count - 4).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: SerializationError.self) { try Safetensors.read(path) }
        #expect(error?.description.hasPrefix(path) == true && error?.description.contains("truncated") == true)
        let missing = #expect(throws: SerializationError.self) { try Safetensors.read(dir + "/nope.safetensors") }
        #expect(missing?.description == "\(dir)/nope.safetensors: no such file")
    }
}

@Suite struct NPYTests {
    @Test func readsNumpyFiles() throws {
        let t = try NPY.read(Fixtures.path("small.npy"))
        #expect(t.shape == [3, 4] && t.scalars == (0..<12).map { Float($0) / 4 })
    }

    @Test func roundTripsAndAlignsTheHeader() throws {
        let t = Tensor((0..<10).map(Float.init), shape: [2, 5])
        let data = NPY.encode(t)
        #expect((data.count - 40) % 64 == 0, "numpy pads the header so data starts on a 64-byte boundary")
        let back = try NPY.decode(data, path: "mem")
        #expect(back.shape == [2, 5] && back.scalars == t.scalars)
        #expect(try NPY.decode(NPY.encode(Tensor([1, 2, 3])), path: "mem").shape == [3])
    }

    @Test func rejectsOtherDtypesWithTheFileName() throws {
        var data = NPY.encode(Tensor([1, 2]))
        let header = String(decoding: data, as: UTF8.self)
        let range = header.range(of: "<f4")!
        let offset = header.utf8.distance(from: header.startIndex, to: range.lowerBound)
        data.replaceSubrange(offset..<(offset + 3), with: Array("<i8".utf8))
        let error = #expect(throws: SerializationError.self) { try NPY.decode(data, path: "z.npy") }
        #expect(error?.description.hasPrefix("z.npy: unsupported dtype") == true)
    }
}

/// `AtomicFile.write` replaces regular files only: through a symbolic link it replaces the
/// target and keeps the link; a directory, a FIFO or a device is refused, never replaced.
@Suite struct AtomicFileTests {
    @Test func writesThroughLinksAndRefusesWhatIsNotARegularFile() throws {
        let dir = try Fixtures.temporaryDirectory()
        try AtomicFile.write(Data("old".utf8), to: dir + "/target")
        try FileManager.default.createSymbolicLink(atPath: dir + "/link", withDestinationPath: dir + "/target")
        try AtomicFile.write(Data("new".utf8), to: dir + "/link")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dir + "/link") == dir + "/target", "the link is kept")
        #expect(String(decoding: try AtomicFile.read(dir + "/target"), as: UTF8.self) == "new")

        #expect(mkfifo(dir + "/fifo", 0o644) == 0)
        #expect { try AtomicFile.write(Data("x".utf8), to: dir + "/fifo") } throws: { "\($0)".contains("not a regular file") }
        var info = stat()
        #expect(lstat(dir + "/fifo", &info) == 0 && info.st_mode & S_IFMT == S_IFIFO, "the FIFO is still there")
        #expect { try AtomicFile.write(Data("x".utf8), to: dir) } throws: { "\($0)".contains("is a directory") }
        #expect { try AtomicFile.write(Data("x".utf8), to: "/dev/null") } throws: { "\($0)".contains("not a regular file") }
    }
}
