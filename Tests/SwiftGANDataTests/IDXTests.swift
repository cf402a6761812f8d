import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

@Suite struct IDXTests {
    @Test func readsGzipAndRawFilesScaledToUnitRange() throws {
        let dir = try Fixtures.temporaryDirectory()
        let (images, labels) = try TinyDataset.write(to: dir, count: 20)
        let data = try ImageDataset.load(.mnist, directory: dir)
        #expect(data.count == 20 && data.imageShape == [1, 28, 28])
        #expect(data.labels == labels.map(Int.init))
        let scaled = data.images.scalars
        #expect(scaled[0] == -1 && abs(scaled[2] - (Float(images[2]) / 127.5 - 1)) < 1e-6)
        // The same bytes uncompressed read the same.
        let raw = dir + "/raw"
        try FileManager.default.createDirectory(atPath: raw, withIntermediateDirectories: true)
        try Data(IDXFile(shape: [20, 28, 28], bytes: images).encoded()).write(to: URL(fileURLWithPath: raw + "/train-images-idx3-ubyte"))
        try Data(IDXFile(shape: [20], bytes: labels).encoded()).write(to: URL(fileURLWithPath: raw + "/train-labels-idx1-ubyte"))
        #expect(try ImageDataset.load(.mnist, directory: raw).images.scalars == scaled)
    }

    @Test func readsTheRealMNISTTestSplit() throws {
        let data = try ImageDataset.load(.mnist, split: .test, directory: Fixtures.mnistDirectory)
        #expect(data.count == 10_000 && data.imageShape == [1, 28, 28])
        #expect(Set(data.labels) == Set(0..<10))
        #expect(data.labels.prefix(5) == [7, 2, 1, 0, 4])
    }

    @Test func truncatedCorruptAndMissingFilesAreOneLineErrorsNamingTheFile() throws {
        let dir = try Fixtures.temporaryDirectory()
        let (images, _) = try TinyDataset.write(to: dir, count: 10)
        let cut = dir + "/cut-idx3-ubyte"
        try Data(IDXFile(shape: [10, 28, 28], bytes: images).encoded().dropLast(100)).write(to: URL(fileURLWithPath: cut))
        let e1 = #expect(throws: DataError.self) { try IDXFile.read(cut) }
        #expect(e1?.description.hasPrefix("\(cut): truncated") == true)

        let gz = try AtomicFile.read(dir + "/train-images-idx3-ubyte.gz")
        let cutGz = dir + "/cut.gz"
        try gz.prefix(gz.count / 2).write(to: URL(fileURLWithPath: cutGz))
        let e2 = #expect(throws: DataError.self) { try IDXFile.read(cutGz) }
        #expect(e2?.description == "\(cutGz): truncated gzip data")

        var corrupt = [UInt8](gz)
        for i in 20..<60 { corrupt[i] ^= 0x5a }
        let bad = dir + "/bad.gz"
        try Data(corrupt).write(to: URL(fileURLWithPath: bad))
        let e3 = #expect(throws: DataError.self) { try IDXFile.read(bad) }
        #expect(e3?.description.hasPrefix("\(bad): ") == true)

        let e4 = #expect(throws: DataError.self) { try ImageDataset.load(.fashionMNIST, directory: dir + "/none") }
        #expect(e4?.description.contains("none/train-images-idx3-ubyte.gz: no such file") == true)
        #expect(e4.map { !$0.description.contains("\n") } == true)
    }

    /// Four dimensions of 0xFFFFFFFF multiply past Int.max: an error naming the file, raw or
    /// compressed, not an overflow trap.
    @Test func overflowingDimensionsAreAnError() throws {
        let dir = try Fixtures.temporaryDirectory()
        let header: [UInt8] = [0, 0, 0x08, 4] + [UInt8](repeating: 0xff, count: 16) + [1, 2, 3]
        for (path, bytes) in [(dir + "/huge-idx4-ubyte", header), (dir + "/huge.gz", Gzip.compress(header))] {
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let error = #expect(throws: DataError.self) { try IDXFile.read(path) }
            #expect(error?.description.hasPrefix("\(path): corrupt header: dimensions 4294967295×4294967295") == true,
                    "\(error.map(String.init(describing:)) ?? "no error")")
        }
    }

    /// A small gzip file of a long run of zeros behind a one-image header stops inflating as
    /// soon as it passes the 16 + 784 bytes the header announces, rather than inflating it all.
    @Test func inflationStopsAtTheSizeTheHeaderAnnounces() throws {
        let dir = try Fixtures.temporaryDirectory()
        let bomb = Gzip.compress([0, 0, 0x08, 3, 0, 0, 0, 1, 0, 0, 0, 28, 0, 0, 0, 28] + [UInt8](repeating: 0, count: 256 << 20))
        #expect(bomb.count < 1 << 20, "the test file should be small: \(bomb.count) bytes")
        let path = dir + "/bomb.gz"
        try Data(bomb).write(to: URL(fileURLWithPath: path))
        var inflated = 0
        let error = #expect(throws: DataError.self) {
            _ = try Gzip.readMaybeCompressed(path) { prefix in inflated = prefix.count; return 16 + 784 }
        }
        #expect(error?.description == "\(path): corrupt: more data than the header says (800 bytes)")
        #expect(inflated <= 1 << 20, "inflated \(inflated) bytes before stopping")
        let viaIDX = #expect(throws: DataError.self) { try IDXFile.read(path) }
        #expect(viaIDX?.description == "\(path): corrupt: more data than the header says (800 bytes)")
    }

    @Test func batchesAreSeededShuffledAndCoverAnEpoch() throws {
        var a = BatchSampler(datasetCount: 100, batchSize: 10, seed: 4)
        var b = BatchSampler(datasetCount: 100, batchSize: 10, seed: 4)
        var seen: [Int] = []
        for _ in 0..<10 {
            let batch = a.nextIndices()
            #expect(batch == b.nextIndices())
            seen += batch
        }
        #expect(seen.sorted() == Array(0..<100) && seen != Array(0..<100))
        #expect(a.epoch == 0)
        _ = a.nextIndices()
        #expect(a.epoch == 1)
    }

    /// A saved sampler round-trips; one whose order could index outside the dataset (an edited
    /// checkpoint) is refused when decoded, not trapped on at the next batch.
    @Test func savedSamplersAreCheckedWhenDecoded() throws {
        var sampler = BatchSampler(datasetCount: 6, batchSize: 2, seed: 1)
        _ = sampler.nextIndices()
        let json = try JSONEncoder().encode(sampler)
        #expect(try JSONDecoder().decode(BatchSampler.self, from: json) == sampler)
        var object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        let order = try #require(object["order"] as? [Int])
        // Through JSONSerialization unchanged, it still decodes: the refusals below are for their edits.
        #expect(try JSONDecoder().decode(BatchSampler.self, from: JSONSerialization.data(withJSONObject: object)) == sampler)
        for bad: [String: Any] in [["order": order.map { $0 == order[0] ? 6 : $0 }], ["order": order + [0]],
                                   ["order": order.map { _ in 0 }], ["position": 7], ["position": -1], ["batchSize": 0],
                                   ["batchSize": 7], ["epoch": -1]] {
            object.merge(bad) { $1 }
            let data = try JSONSerialization.data(withJSONObject: object)
            #expect(throws: DecodingError.self, "\(bad)") { try JSONDecoder().decode(BatchSampler.self, from: data) }
            object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        }
    }
}
