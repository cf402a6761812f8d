import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

@Suite struct ImageCacheTests {
    func modificationDate(_ path: String) throws -> Date {
        try #require(try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date)
    }

    @Test func aSecondLoadMapsTheCacheInsteadOfDecoding() throws {
        let dir = try Fixtures.temporaryDirectory(), cache = dir + "-cache"
        for i in 0..<4 { try TestImages.writePNG("\(dir)/c\(i % 2)/\(i).png", width: 9, height: 7, value: UInt8(i * 60)) }
        let first = try byteImages(try loadFolder(dir, cache: cache).train)
        let path = try #require(first.cachePath)
        #expect(!first.reusedCache && FileManager.default.fileExists(atPath: path))
        let written = try modificationDate(path)

        let second = try byteImages(try loadFolder(dir, cache: cache).train)
        #expect(second.reusedCache && second.cachePath == path)
        #expect(try modificationDate(path) == written, "the cache file was rewritten")
        #expect(second.labels == first.labels && second.classNames == first.classNames && second.sourceNames == first.sourceNames)
        #expect(second.images(at: [0, 1, 2, 3]).scalars == first.images(at: [0, 1, 2, 3]).scalars)

        // Other options, or a changed folder, decode afresh into another file.
        let resized = try byteImages(try loadFolder(dir, resolution: 4, cache: cache).train)
        #expect(!resized.reusedCache && resized.cachePath != path)
        try TestImages.writePNG("\(dir)/c0/9.png", width: 9, height: 7, value: 1)
        let changed = try byteImages(try loadFolder(dir, cache: cache).train)
        #expect(!changed.reusedCache && changed.count == 5)
    }

    @Test func aCorruptCacheFileIsDecodedAgain() throws {
        let dir = try Fixtures.temporaryDirectory(), cache = dir + "-cache"
        try TestImages.writePNG("\(dir)/a.png", width: 4, height: 4, value: 9)
        let path = try #require(try byteImages(try loadFolder(dir, cache: cache).train).cachePath)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try bytes.dropLast(3).write(to: URL(fileURLWithPath: path))
        let again = try byteImages(try loadFolder(dir, cache: cache).train)
        #expect(!again.reusedCache && Set(again.bytes(at: 0)) == [9])
    }

    @Test func anUnwritableCacheDirectoryDecodesIntoMemoryWithAWarning() throws {
        let dir = try Fixtures.temporaryDirectory()
        try TestImages.writePNG("\(dir)/a.png", width: 4, height: 4, value: 9)
        let blocker = dir + "-file"
        try Data("a file, not a directory".utf8).write(to: URL(fileURLWithPath: blocker))
        let warnings = TestImages.Warnings()
        let images = try byteImages(try loadFolder(dir, warnings: warnings, cache: blocker + "/cache").train)
        #expect(images.cachePath == nil && images.count == 1)
        #expect(warnings.lines.count == 1 && warnings.lines[0].hasPrefix(blocker + "/cache: "), "\(warnings.lines)")
    }
}
