import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

/// `--ensemble K` in the library: members seeded apart, each latent made by the member it
/// picks whatever it is batched with, the weights file of the mixture loads back as one
/// generator.
@Suite struct GeneratorEnsembleTests {
    @Test func eachLatentIsMadeByItsMember() throws {
        var config = TrainingConfig()
        config.model = "mlp"
        config.ensemble = 3
        config.batchSize = 8
        let trainer = try GANTrainer(config: config, data: DataShape(sample: [1, 28, 28]))
        let ensemble = try #require(trainer.recipe as? EnsembleRecipe)
        #expect(ensemble.members.count == 3 && ensemble.models.map(\.name).contains("member2.generator"))
        let generators = ensemble.members.map { $0.model("generator") as! any SampleableGenerator }
        #expect(generators[0].parameters()[0].scalars != generators[1].parameters()[0].scalars, "members start from their own seeds")

        let mixture = GeneratorEnsemble(generators)
        var rng = RandomGenerator(seed: 9)
        let z = rng.normal([7, mixture.latentDimension])
        let images = withNoGrad { mixture.generate(z, labels: nil) }
        let owner = GeneratorEnsemble.members(for: z, count: 3)
        #expect(Set(owner).count > 1, "seven latents pick more than one member: \(owner)")
        #expect(GeneratorEnsemble.members(for: z.rows([4, 2]), count: 3) == [owner[4], owner[2]], "the pick depends on the latent alone")
        for i in 0..<7 {
            #expect(relativeError(images.rows([i]), withNoGrad { mixture.generate(z.rows([i]), labels: nil) }) < 1e-5, "batched alone")
            let alone = withNoGrad { generators[owner[i]].generate(z.rows([i]), labels: nil) }
            // Within rounding: a batch of 3 rows and one of 1 may sum in another order.
            #expect(relativeError(images.rows([i]), alone) < 1e-5, "sample \(i) is member \(owner[i])'s")
            #expect(relativeError(images.rows([i]), withNoGrad { generators[(owner[i] + 1) % 3].generate(z.rows([i]), labels: nil) }) > 0.1)
        }

        let dir = try Fixtures.temporaryDirectory()
        let file = ensemble.weightsFiles.first { $0.name == "generator" }!
        try file.module.save(to: dir + "/g.safetensors", metadata: trainer.metadata(for: "generator").merging(file.metadata) { $1 })
        let (_, loaded) = try ModelRegistry.generator(forWeights: dir + "/g.safetensors", model: nil)
        try loaded.load(from: dir + "/g.safetensors")
        #expect((loaded as? GeneratorEnsemble)?.members.count == 3)
        #expect(withNoGrad { loaded.generate(z, labels: nil) }.scalars == images.scalars)
    }
}
