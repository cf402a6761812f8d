import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

/// The keyed watermark: found where it was embedded (also after a crop), not found without it
/// or under another key.
@Suite struct WatermarkTests {
    /// A 4×4 grid of smooth blobs on black, like generated digits.
    func grid() -> Tensor {
        var values = [Float](repeating: -1, count: 16 * 28 * 28)
        for i in 0..<16 {
            for y in 0..<28 {
                for x in 0..<28 {
                    let d = Double((x - 8 - i % 12) * (x - 8 - i % 12) + (y - 14) * (y - 14))
                    values[i * 784 + y * 28 + x] = Float(2 * Foundation.exp(-d / 30) - 1)
                }
            }
        }
        return Tensor(values, shape: [16, 1, 28, 28])
    }

    func decoded(_ png: Data) throws -> DecodedImage { try ImageFile.decode(png, path: "grid.png") }

    @Test func detectsItsOwnMarkOnlyAndAfterCrops() throws {
        let key = Watermark(key: "alpha"), other = Watermark(key: "beta")
        let marked = try decoded(ImageGrid.png(grid(), provenance: Provenance(model: "dcgan"), watermark: key))
        let clean = try decoded(ImageGrid.png(grid()))
        func score(_ w: Watermark, _ image: DecodedImage) -> Double { w.score(image.pixels, width: image.width, height: image.height, channels: image.channels) }
        #expect(score(key, marked) > 10)
        #expect(score(key, clean) < Watermark.threshold && score(other, marked) < Watermark.threshold)
        // The mark changes pixels by at most its strength.
        #expect(zip(marked.pixels, clean.pixels).allSatisfy { abs(Int($0) - Int($1)) <= 3 })
        // A crop that shifts the tiling is still found.
        var crop = [UInt8]()
        for y in 5..<(marked.height - 3) { crop += marked.pixels[(y * marked.width + 7)..<(y * marked.width + marked.width - 2)] }
        #expect(key.detect(crop, width: marked.width - 9, height: marked.height - 8, channels: 1))
        // JPEG at quality 90 keeps the mark of a grid.
        let jpeg = try ImageFile.decode(JPEG.encode(width: marked.width, height: marked.height, channels: 1, pixels: marked.pixels), path: "x.jpg")
        #expect(score(key, jpeg) >= Watermark.threshold)
        // The provenance says the image is marked, never the key.
        let chunks = try PNGText.read(ImageGrid.png(grid(), provenance: Provenance(model: "dcgan"), watermark: key), path: "grid.png")
        #expect(Provenance(textChunks: chunks)?.watermark == Watermark.scheme)
        #expect(!chunks.contains { $0.text.contains("alpha") })
        #expect(Watermark.falsePositiveBound < 1e-4)
    }

    @Test func falsePositivesStayWithinTheBoundOnManyUnmarkedImages() {
        // 2,000 keys against one unmarked image: the score is a sum of random signs, so it
        // rarely comes near the threshold whatever the image.
        var rng = RandomGenerator(seed: 3)
        let pixels = rng.uniform([64 * 64]).scalars.map { UInt8($0 * 255) }
        let scores = (0..<2000).map { Watermark(key: "k\($0)").score(pixels, width: 64, height: 64, channels: 1) }
        #expect(scores.filter { $0 >= Watermark.threshold }.isEmpty)
        #expect(scores.max()! < 5 && scores.min()! > 1)
    }
}
