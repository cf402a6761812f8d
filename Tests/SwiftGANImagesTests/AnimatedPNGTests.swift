import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

/// `AnimatedPNG`: the chunk sequence of the APNG specification (acTL with the frame count,
/// fcTL before each frame, IDAT for the first and numbered fdAT for the rest), a first frame
/// that any PNG decoder reads as the image, and frame timing.
@Suite struct AnimatedPNGTests {
    /// The (type, data) of each chunk, checking lengths and CRCs.
    func chunks(_ png: Data) throws -> [(String, [UInt8])] {
        let bytes = [UInt8](png)
        #expect(Array(bytes.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        var out: [(String, [UInt8])] = []
        var i = 8
        func u32(_ at: Int) -> UInt32 { bytes[at..<at + 4].reduce(0) { $0 << 8 | UInt32($1) } }
        while i < bytes.count {
            let length = Int(u32(i))
            let type = String(decoding: bytes[i + 4..<i + 8], as: UTF8.self)
            let data = Array(bytes[i + 8..<i + 8 + length])
            #expect(u32(i + 8 + length) == CRC32.checksum(Data(bytes[i + 4..<i + 8 + length])), "CRC of \(type)")
            out.append((type, data))
            i += 12 + length
        }
        return out
    }

    @Test func chunksFollowTheSpecificationAndTheFirstFrameIsTheImage() throws {
        let frames: [[UInt8]] = (0..<3).map { f in (0..<12).map { UInt8(($0 * 20 + f * 7) % 256) } }
        let png = AnimatedPNG.encode(width: 4, height: 3, color: .gray, frames: frames, delay: 0.5, text: [("Software", "SwiftGAN")])
        let list = try chunks(png)
        #expect(list.map(\.0) == ["IHDR", "tEXt", "acTL", "fcTL", "IDAT", "fcTL", "fdAT", "fcTL", "fdAT", "IEND"])
        #expect(list[2].1 == [0, 0, 0, 3, 0, 0, 0, 0], "3 frames, looping forever")
        let controls = list.filter { $0.0 == "fcTL" }.map(\.1)
        let data = list.filter { $0.0 == "fdAT" }.map(\.1)
        // Sequence numbers run 0, 1, 2, … over fcTL and fdAT together.
        #expect(controls.map { Int($0[3]) } == [0, 1, 3])
        #expect(data.map { Int($0[3]) } == [2, 4])
        #expect(controls.allSatisfy { Array($0[20..<24]) == [0x01, 0xF4, 0x03, 0xE8] }, "500/1000 s per frame")
        let decoded = try ImageFile.decode(png, path: "animated.png")
        #expect(decoded.width == 4 && decoded.height == 3 && decoded.pixels == frames[0])
    }

    @Test func gridFramesAreScaledByNearestNeighbour() {
        let images = Tensor([-1, 1, 0, 1], shape: [1, 1, 2, 2])
        let (width, height, color, frames) = ImageGrid.frames(images, scale: 2)
        #expect(width == 4 && height == 4 && color == .gray)
        #expect(frames[0] == [0, 0, 255, 255, 0, 0, 255, 255, 128, 128, 255, 255, 128, 128, 255, 255])
    }
}
