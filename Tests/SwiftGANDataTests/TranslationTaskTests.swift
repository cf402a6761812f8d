import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

@Suite struct TranslationTaskTests {
    @Test func edgesToFashionPairsBinaryOutlinesWithPaddedImages() throws {
        let data = try DatasetCatalog.load(name: "edges2fashion", directory: nil, channels: nil, resolution: nil, warn: { _ in })
        let (a, b, paired) = try #require(data.train.domains)
        let test = try #require(data.test?.domains)
        #expect(paired && a.count == 60_000 && b.count == 60_000 && test.a.count == 10_000 && test.b.count == 10_000)
        #expect(a.imageShape == [1, 32, 32] && b.imageShape == [1, 32, 32])
        let indices = Array(0..<64)
        let edges = a.images(at: indices).scalars, images = b.images(at: indices).scalars
        #expect(Set(edges) == [-1, 1], "edge maps hold exactly -1 and 1")
        #expect(images.allSatisfy { $0 >= -1 && $0 <= 1 })
        #expect(images.prefix(64).allSatisfy { $0 == -1 }, "the top two rows are background padding")
        let edgeFraction = Float(edges.filter { $0 == 1 }.count) / Float(edges.count)
        #expect(edgeFraction > 0.05 && edgeFraction < 0.5, "edges are outlines, not fills or nothing: \(edgeFraction)")
        #expect(a.labels == b.labels)
    }

    @Test func thinToThickDomainsComeFromDisjointHalvesAndThickenTheSecond() throws {
        let data = try DatasetCatalog.load(name: "mnist-thin2thick", directory: Fixtures.mnistDirectory, channels: nil,
                                           resolution: nil, warn: { _ in })
        let (a, b, paired) = try #require(data.train.domains)
        let thin = try #require(a as? ByteImageCollection), thick = try #require(b as? ByteImageCollection)
        #expect(!paired && thin.count == 30_000 && thick.count == 30_000 && thin.imageShape == [1, 32, 32])
        let thinSources = try #require(thin.sourceIndices), thickSources = try #require(thick.sourceIndices)
        #expect(Set(thinSources).isDisjoint(with: thickSources) && Set(thinSources + thickSources).count == 60_000)
        let test = try #require(data.test?.domains)
        #expect(test.a.count == 5_000 && test.b.count == 5_000)

        let (originals, labels) = try TranslationTasks.paddedBytes(.mnist, split: .train, directory: Fixtures.mnistDirectory)
        let per = 32 * 32
        for i in stride(from: 0, to: 30_000, by: 1_000) {
            let thinSource = thinSources[i], thickSource = thickSources[i]
            let original = { (k: Int) in Array(originals[(k * per)..<((k + 1) * per)]) }
            #expect(thin.bytes(at: i) == original(thinSource), "the thin digit at \(i) is the digit as it is")
            #expect(zip(thick.bytes(at: i), original(thickSource)).allSatisfy { $0 >= $1 }, "dilation below the digit at \(i)")
            #expect(thick.bytes(at: i) != original(thickSource))
            #expect(thin.labels?[i] == labels[thinSource])
        }
    }

    @Test func dilationIsTheThreeByThreeMaximum() {
        var dot = [UInt8](repeating: 0, count: 25)
        dot[12] = 200
        let grown = TranslationTasks.dilate(dot, side: 5)
        #expect((0..<25).filter { grown[$0] == 200 } == [6, 7, 8, 11, 12, 13, 16, 17, 18])
    }
}
