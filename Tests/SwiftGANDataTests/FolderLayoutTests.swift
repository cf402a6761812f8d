import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

@Suite struct FolderLayoutTests {
    @Test func aAndBSubfoldersArePairedByFileName() throws {
        let dir = try Fixtures.temporaryDirectory()
        for name in ["x", "y"] {
            try TestImages.writePNG("\(dir)/A/\(name).png", width: 6, height: 6, value: 10)
            try TestImages.writePNG("\(dir)/B/\(name).png", width: 6, height: 6, rgb: true) { _, _ in [1, 2, 3] }
        }
        try TestImages.writePNG("\(dir)/B/z.png", width: 6, height: 6, value: 10)
        let warnings = TestImages.Warnings()
        let data = try loadFolder(dir, warnings: warnings)
        let (a, b, paired) = try #require(data.train.domains)
        #expect(paired && a.count == 2 && b.count == 2 && data.test == nil)
        #expect(a.imageShape == [1, 6, 6] && b.imageShape == [3, 6, 6], "each side keeps its own channels")
        #expect((a as? ByteImageCollection)?.sourceNames == (b as? ByteImageCollection)?.sourceNames)
        #expect(warnings.lines == ["\(dir)/B/z.png: no partner in \(dir)/A, skipped"])
    }

    @Test func sideBySideImagesInTrainAreSplitIntoHalves() throws {
        let dir = try Fixtures.temporaryDirectory()
        for (split, count) in [("train", 3), ("val", 1)] {
            for i in 0..<count {
                try TestImages.writePNG("\(dir)/\(split)/\(i).jpg.png", width: 16, height: 8) { x, _ in [x < 8 ? 10 : 240] }
            }
        }
        let data = try loadFolder(dir)
        let (a, b, paired) = try #require(data.train.domains)
        #expect(paired && a.count == 3 && b.count == 3)
        #expect(a.imageShape == [1, 8, 8] && b.imageShape == [1, 8, 8])
        #expect(Set(a.images(at: [0, 1, 2]).scalars) == [Float(10) / 127.5 - 1], "A is the left half")
        #expect(Set(b.images(at: [0, 1, 2]).scalars) == [Float(240) / 127.5 - 1], "B is the right half")
        let test = try #require(data.test?.domains)
        #expect(test.paired && test.a.count == 1 && test.b.count == 1)
    }

    @Test func trainImagesNotTwiceAsWideAsHighAreUnpairedImages() throws {
        let dir = try Fixtures.temporaryDirectory()
        try TestImages.writePNG("\(dir)/train/0.png", width: 16, height: 8, value: 1)
        try TestImages.writePNG("\(dir)/train/1.png", width: 15, height: 8, value: 1)
        let data = try loadFolder(dir, resolution: 8)
        #expect(data.train.singleImages?.count == 2)
    }

    @Test func trainAAndTrainBAreUnpairedDomainsWithTestDomains() throws {
        let dir = try Fixtures.temporaryDirectory()
        for (folder, count) in [("trainA", 3), ("trainB", 2), ("testA", 1), ("testB", 2)] {
            for i in 0..<count {
                try TestImages.writeJPEG("\(dir)/\(folder)/\(i).jpeg", width: 12, height: 12, rgb: true) { x, y in [UInt8(x * 20), UInt8(y * 20), 90] }
            }
        }
        let data = try loadFolder(dir, resolution: 8)
        let (a, b, paired) = try #require(data.train.domains)
        #expect(!paired && a.count == 3 && b.count == 2 && a.imageShape == [3, 8, 8] && b.imageShape == [3, 8, 8])
        let test = try #require(data.test?.domains)
        #expect(!test.paired && test.a.count == 1 && test.b.count == 2 && test.a.imageShape == [3, 8, 8])
        let values = a.images(at: [0, 1, 2]).scalars
        #expect(values.allSatisfy { $0 >= -1 && $0 <= 1 })
    }
}
