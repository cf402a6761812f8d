import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

/// Loads `directory` with a private cache, returning the training images as bytes.
func loadFolder(_ directory: String, channels: Int? = nil, resolution: Int? = nil, warnings: TestImages.Warnings = TestImages.Warnings(),
                cache: String? = nil) throws -> LoadedDataset {
    try DatasetCatalog.load(name: nil, directory: directory, channels: channels, resolution: resolution,
                            cacheDirectory: cache ?? directory + "-cache", warn: { warnings($0) })
}

func byteImages(_ layout: DataLayout) throws -> ByteImageCollection {
    try #require(layout.singleImages as? ByteImageCollection, "expected byte images in an .images layout")
}

@Suite struct ImageFolderTests {
    @Test func classSubfoldersAreLabeledInSortedOrderAndScaledToUnitRange() throws {
        let dir = try Fixtures.temporaryDirectory()
        try TestImages.writePNG(dir + "/dog/c.png", width: 8, height: 6, value: 255)
        try TestImages.writePNG(dir + "/cat/b.PNG", width: 8, height: 6, value: 51)
        try TestImages.writePNG(dir + "/cat/a.png", width: 8, height: 6, value: 0)
        try Data("not an image".utf8).write(to: URL(fileURLWithPath: dir + "/cat/notes.txt"))
        try TestImages.writePNG(dir + "/cat/.hidden.png", width: 3, height: 3, value: 9)
        let data = try loadFolder(dir)
        let images = try byteImages(data.train)
        #expect(data.test == nil)
        #expect(images.count == 3 && images.imageShape == [1, 6, 8])
        #expect(images.labels == [0, 0, 1] && images.classNames == ["cat", "dog"])
        #expect(images.sourceNames == ["cat/a.png", "cat/b.PNG", "dog/c.png"])
        let values = images.images(at: [0, 1, 2]).scalars
        #expect(values.count == 3 * 48)
        #expect(values[0] == -1 && values[48] == Float(51) / 127.5 - 1 && values[96] == 1, "0, 51 and 255 scale to -1, -0.6 and 1")
    }

    @Test func imagesDirectlyInTheFolderAreUnlabeled() throws {
        let dir = try Fixtures.temporaryDirectory()
        for i in 0..<3 { try TestImages.writePNG(dir + "/\(i).png", width: 5, height: 5, value: UInt8(i)) }
        let images = try byteImages(try loadFolder(dir).train)
        #expect(images.count == 3 && images.labels == nil && images.classNames.isEmpty && images.imageShape == [1, 5, 5])
    }

    @Test func grayAndRGBConvertToTheChannelsAskedFor() throws {
        let dir = try Fixtures.temporaryDirectory()
        try TestImages.writePNG(dir + "/a.png", width: 4, height: 4, rgb: true) { _, _ in [200, 100, 50] }
        try TestImages.writePNG(dir + "/b.png", width: 4, height: 4, value: 80)
        let mixed = try byteImages(try loadFolder(dir).train)
        #expect(mixed.imageShape == [3, 4, 4], "one RGB image makes the default 3 channels")
        #expect(mixed.bytes(at: 0) == [UInt8](repeating: 200, count: 16) + [UInt8](repeating: 100, count: 16) + [UInt8](repeating: 50, count: 16))
        #expect(mixed.bytes(at: 1) == [UInt8](repeating: 80, count: 48), "gray repeats into R, G and B")
        let gray = try byteImages(try loadFolder(dir, channels: 1).train)
        #expect(gray.imageShape == [1, 4, 4])
        #expect(gray.bytes(at: 0) == [UInt8](repeating: 124, count: 16), "BT.601 luma of (200, 100, 50) is 124.2")
        #expect(gray.bytes(at: 1) == [UInt8](repeating: 80, count: 16))

        let allGray = try Fixtures.temporaryDirectory()
        try TestImages.writePNG(allGray + "/g.png", width: 4, height: 4, value: 7)
        #expect(try byteImages(try loadFolder(allGray).train).imageShape == [1, 4, 4])
        #expect(try byteImages(try loadFolder(allGray, channels: 3).train).imageShape == [3, 4, 4])
    }

    @Test func resolutionResizesTheShorterSideAndCropsTheCenter() throws {
        let dir = try Fixtures.temporaryDirectory()
        // 16×8: a bright band in columns 4..<12 between dark quarters.
        try TestImages.writePNG(dir + "/wide.png", width: 16, height: 8) { x, _ in [x >= 4 && x < 12 ? 255 : 0] }
        let images = try byteImages(try loadFolder(dir, resolution: 4).train)
        #expect(images.imageShape == [1, 4, 4])
        // Halved to 8×4, the centre 4 columns are source columns 4..<12; the triangle filter
        // (weights 1/8, 3/8, 3/8, 1/8) blends one dark column into each border: 255 × 7/8 = 223.
        #expect(images.bytes(at: 0) == Array([UInt8]([223, 255, 255, 223]).repeated(4)))

        let uniform = try Fixtures.temporaryDirectory()
        try TestImages.writePNG(uniform + "/u.png", width: 30, height: 20, value: 37)
        let up = try byteImages(try loadFolder(uniform, resolution: 50).train)
        #expect(up.imageShape == [1, 50, 50] && Set(up.bytes(at: 0)) == [37], "a uniform image stays uniform at any size")
    }

    @Test func mixedSizesWithoutResolutionAreAOneLineError() throws {
        let dir = try Fixtures.temporaryDirectory()
        try TestImages.writePNG(dir + "/a.png", width: 8, height: 8, value: 1)
        try TestImages.writePNG(dir + "/b.png", width: 10, height: 6, value: 1)
        let error = #expect(throws: DataError.self) { try loadFolder(dir) }
        #expect(error?.description.hasSuffix("pass --resolution") == true, "\(error?.description ?? "")")
        #expect(error?.description.contains("\n") == false)
        #expect(try byteImages(try loadFolder(dir, resolution: 6).train).imageShape == [1, 6, 6])
    }

    @Test func corruptAndTruncatedFilesAreSkippedWithAWarningNamingThem() throws {
        let dir = try Fixtures.temporaryDirectory()
        try TestImages.writePNG(dir + "/good.png", width: 8, height: 8, value: 100)
        try TestImages.writeJPEG(dir + "/good.jpg", width: 8, height: 8) { x, y in [UInt8(x * 16 + y)] }
        var png = try Data(contentsOf: URL(fileURLWithPath: dir + "/good.png"))
        png[png.count - 20] ^= 0xff  // inside the image data: the chunk's CRC no longer matches
        try png.write(to: URL(fileURLWithPath: dir + "/corrupt.png"))
        try Data("GIF89a".utf8).write(to: URL(fileURLWithPath: dir + "/fake.png"))
        try TestImages.writeJPEG(dir + "/cut.jpeg", width: 64, height: 64) { x, y in [UInt8((x * y) % 256)] }
        let jpeg = try Data(contentsOf: URL(fileURLWithPath: dir + "/cut.jpeg"))
        try jpeg.prefix(jpeg.count / 2).write(to: URL(fileURLWithPath: dir + "/cut.jpeg"))

        let warnings = TestImages.Warnings()
        let images = try byteImages(try loadFolder(dir, resolution: 8, warnings: warnings).train)
        #expect(images.sourceNames == ["good.jpg", "good.png"])
        #expect(warnings.lines.count == 3, "\(warnings.lines)")
        for name in ["corrupt.png", "fake.png", "cut.jpeg"] {
            #expect(warnings.lines.contains { $0.hasPrefix("\(dir)/\(name): ") && $0.hasSuffix(", skipped") }, "no warning for \(name): \(warnings.lines)")
        }
    }

    @Test func aFolderWithoutImagesIsAOneLineErrorNamingIt() throws {
        let dir = try Fixtures.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir + "/empty-class", withIntermediateDirectories: true)
        let error = #expect(throws: DataError.self) { try loadFolder(dir) }
        #expect(error?.path == dir && error?.description.contains("\n") == false)
        let missing = #expect(throws: DataError.self) { try loadFolder(dir + "/nowhere") }
        #expect(missing?.description == "\(dir)/nowhere: no such directory")
    }

    @Test func trainAndTestSubfoldersAreTheSplits() throws {
        let dir = try Fixtures.temporaryDirectory()
        for split in ["train", "test"] {
            for cls in ["a", "b"] { try TestImages.writePNG("\(dir)/\(split)/\(cls)/1.png", width: 4, height: 4, value: 3) }
        }
        try TestImages.writePNG("\(dir)/train/b/2.png", width: 4, height: 4, value: 3)
        let data = try loadFolder(dir)
        #expect(try byteImages(data.train).labels == [0, 1, 1])
        #expect(try byteImages(try #require(data.test)).labels == [0, 1])
    }

    @Test func aDirectoryOfIDXFilesIsReadAsMNISTFormat() throws {
        let dir = try Fixtures.temporaryDirectory()
        let (_, labels) = try TinyDataset.write(to: dir, count: 30)
        try TinyDataset.write(to: dir, count: 10, split: "test")
        let data = try loadFolder(dir)
        let train = try #require(data.train.singleImages as? ImageDataset)
        #expect(train.count == 30 && train.labels == labels.map(Int.init) && train.classNames.count == 10)
        #expect(data.test?.singleImages?.count == 10)
        let resized = try #require(try loadFolder(dir, channels: 3, resolution: 32).train.singleImages)
        #expect(resized.imageShape == [3, 32, 32] && resized.labels == labels.map(Int.init))
    }

    @Test func theDefaultMNISTIsFoundBesideTheCheckout() throws {
        let dir = try ImageDataset.Known.mnist.locateDefaultDirectory()
        #expect(FileManager.default.fileExists(atPath: dir + "/train-images-idx3-ubyte.gz"))
        #expect(ImageDataset.Known.mnist.searchedDirectories.contains { $0.hasSuffix("/shared/data/mnist") && $0.hasPrefix("/") })
        let error = #expect(throws: DataError.self) {
            try DatasetCatalog.load(name: nil, directory: nil, channels: nil, resolution: nil, warn: { _ in })
        }
        #expect(error?.description.contains("\n") == false)
    }
}

extension Array {
    func repeated(_ n: Int) -> [Element] { (0..<n).flatMap { _ in self } }
}
