import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

/// The practice lab measures the generator a weights file holds: the same figures as that
/// generator measured directly, and not those of a freshly built one.
struct PracticeMeasurementTests {
    @Test func measuresTheWeightsAFileHolds() throws {
        let dir = try Fixtures.temporaryDirectory()
        let lab = try PracticeLab(directory: dir + "/lab", budget: .tiny, seeds: 1, dataDirectory: Fixtures.mnistDirectory)
        var rng = RandomGenerator(seed: 3)
        let trained = GANModelKind.mlp.makeGenerator(generator: &rng)
        TranslationWeights.initialize(trained, offset: 5)
        try trained.save(to: dir + "/g.safetensors", metadata: [WeightsMetadata.architecture: "mlp"])
        trained.eval()
        let fromFile = try lab.measure(dir + "/g.safetensors", count: 200)
        #expect(fromFile == (try lab.measure(trained, count: 200)))
        var fresh = RandomGenerator(seed: 0)
        let untrained = GANModelKind.mlp.makeGenerator(generator: &fresh)
        untrained.eval()
        #expect(fromFile.fid != (try lab.measure(untrained, count: 200)).fid, "the file's weights were not loaded")
        // Against the training images, a different reference set gives different figures.
        #expect(fromFile != (try lab.measure(dir + "/g.safetensors", count: 200, against: .training)))
    }
}
