import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

@Suite struct ImageCodecTests {
    func decode(_ name: String) throws -> DecodedImage {
        try ImageFile.decode(Fixtures.path("png-variants/\(name)"))
    }

    @Test func pngVariantsDecodeToEightBitGrayOrRGBWithoutAlpha() throws {
        #expect(try decode("gray16.png") == DecodedImage(width: 4, height: 4, channels: 1, pixels: [UInt8](repeating: 0x12, count: 16)))
        #expect(try decode("gray-alpha.png").pixels == [UInt8](repeating: 77, count: 16))
        #expect(try decode("gray-alpha.png").channels == 1)
        #expect(try decode("rgba.png") == DecodedImage(width: 4, height: 4, channels: 3, pixels: Array([UInt8]([10, 20, 30]).repeated(16))))
        #expect(try decode("palette.png") == DecodedImage(width: 4, height: 4, channels: 3,
                                                          pixels: Array([UInt8]([255, 0, 0, 0, 0, 255]).repeated(8))))
        #expect(try decode("gray1.png").pixels == Array([UInt8]([255, 0, 255, 0]).repeated(4)))
        #expect(try ImageFile.header(Fixtures.path("png-variants/palette.png")) == ImageHeader(width: 4, height: 4, channels: 3))
    }

    @Test func jpegRoundTripsGrayAndRGB() throws {
        let dir = try Fixtures.temporaryDirectory()
        try TestImages.writeJPEG(dir + "/g.jpg", width: 16, height: 8) { _, _ in [128] }
        try TestImages.writeJPEG(dir + "/c.jpg", width: 8, height: 8, rgb: true) { _, _ in [200, 40, 40] }
        let gray = try ImageFile.decode(dir + "/g.jpg"), color = try ImageFile.decode(dir + "/c.jpg")
        #expect(gray.width == 16 && gray.height == 8 && gray.channels == 1 && gray.pixels.allSatisfy { abs(Int($0) - 128) <= 1 })
        #expect(color.channels == 3 && abs(Int(color.pixels[0]) - 200) <= 4 && abs(Int(color.pixels[1]) - 40) <= 4)
    }

    /// FuzzJPEG's finding: a 391-byte progressive JPEG whose header claims 28276 × 21833 pixels
    /// made libjpeg allocate gigabytes before the size was checked. It is refused from the header,
    /// as is the same claim in a PNG.
    @Test func hugeClaimedSizesAreRefusedBeforeDecoding() throws {
        let jpeg = Fixtures.repositoryRoot + "/Fuzz/Regressions/FuzzJPEG/oom-progressive-28276x21833"
        let error = #expect(throws: DataError.self) { try ImageFile.decode(jpeg) }
        #expect(error?.problem == "image too large (more than 67,108,864 pixels)")
        let png = Fixtures.repositoryRoot + "/Fuzz/Regressions/FuzzPNG/huge-dimensions"
        let pngError = #expect(throws: DataError.self) { try ImageFile.decode(png) }
        #expect(pngError?.problem.contains("image too large") == true, "\(pngError?.problem ?? "")")
    }

    @Test func emptyAndForeignFilesAreErrorsNamingThem() throws {
        let dir = try Fixtures.temporaryDirectory()
        try Data().write(to: URL(fileURLWithPath: dir + "/empty.png"))
        try Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0]).write(to: URL(fileURLWithPath: dir + "/cut.png"))
        try Data([0xFF, 0xD8, 0xFF, 0xE0, 0, 16]).write(to: URL(fileURLWithPath: dir + "/cut.jpg"))
        #expect(throws: DataError.self) { try ImageFile.decode(dir + "/empty.png") }
        for name in ["cut.png", "cut.jpg"] {
            let error = #expect(throws: DataError.self) { try ImageFile.decode(dir + "/" + name) }
            #expect(error?.path == dir + "/" + name && error?.problem.isEmpty == false)
        }
    }
}
