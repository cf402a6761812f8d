import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

/// Provenance in PNG text chunks: written with every generated grid, read back exactly, and
/// damaged files refused in one line.
@Suite struct ProvenanceTests {
    let provenance = Provenance(model: "dcgan", modelSHA256: String(repeating: "ab", count: 32), seed: "42 to 45, one per image", step: 7)

    func grid() -> Data {
        var rng = RandomGenerator(seed: 1)
        return ImageGrid.png(rng.uniform([4, 1, 8, 8], low: -1, high: 1), provenance: provenance)
    }

    @Test func roundTripsAndTheImageStillDecodes() throws {
        let png = grid()
        let chunks = try PNGText.read(png, path: "grid.png")
        #expect(Provenance(textChunks: chunks) == provenance)
        #expect(chunks.contains { $0.keyword == "Software" && $0.text == "SwiftGAN \(SwiftGANVersion.current)" })
        #expect(chunks.contains { $0.keyword == "DigitalSourceType" && $0.text == Provenance.digitalSourceType })
        // libpng (the data loader's decoder) reads the file with its text chunks.
        let decoded = try ImageFile.decode(png, path: "grid.png")
        #expect(decoded.width == 2 + 2 * 10 && decoded.channels == 1)
        // A grid written without provenance says nothing.
        var rng = RandomGenerator(seed: 1)
        let plain = ImageGrid.png(rng.uniform([1, 1, 4, 4], low: -1, high: 1))
        #expect(try PNGText.read(plain, path: "plain.png").isEmpty)
        #expect(Provenance(textChunks: try PNGText.read(plain, path: "plain.png")) == nil)
    }

    @Test func nonLatin1TextIsReplacedNotRefused() throws {
        let png = ImageGrid.png(Tensor.zeros([1, 1, 2, 2]), provenance: Provenance(model: "modèle ✓", seed: "z.npy"))
        #expect(Provenance(textChunks: try PNGText.read(png, path: "x.png"))?.model == "modèle ?")
    }

    @Test func damagedFilesAreOneLineErrors() throws {
        let png = grid()
        func refusal(_ data: Data) -> String? {
            do { _ = try PNGText.read(data, path: "bad.png"); return nil } catch { return "\(error)" }
        }
        #expect(refusal(Data("GIF89a".utf8))?.contains("not a PNG file") == true)
        #expect(refusal(png.prefix(40))?.contains("bad.png:") == true)
        var flipped = png
        flipped[45] ^= 0x10  // inside the first tEXt chunk
        #expect(refusal(flipped)?.contains("fails its CRC") == true)
        var huge = png
        huge.replaceSubrange(33..<37, with: [0x7F, 0xFF, 0xFF, 0xFF])  // the first chunk after IHDR claims 2 GiB
        #expect(refusal(huge)?.contains("past the end of the file") == true)
        for cut in stride(from: 8, to: png.count, by: 7) { _ = refusal(png.prefix(cut)) }  // never traps
    }
}
