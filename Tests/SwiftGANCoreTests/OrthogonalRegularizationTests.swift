import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

/// `--orthogonal-reg` in every recipe with a G step: one step with β > 0 moves G's weights (not
/// its embeddings) away from the step with β = 0 and leaves D's as they are. (Its gradient is
/// checked against PyTorch in `ACGANTests`.)
@Suite struct OrthogonalRegularizationTests {
    @Test(arguments: ["mlp", "cgan-mlp", "cgan", "acgan"])
    func itChangesOnlyTheGeneratorsUpdate(_ model: String) throws {
        var rng = RandomGenerator(seed: 9)
        let batch = Batch(real: rng.uniform([8, 1, 28, 28], low: -1, high: 1), labels: Tensor((0..<8).map { Float($0 % 4) }))
        func stepped(_ beta: Float) throws -> any GANRecipe {
            var config = TrainingConfig()
            config.model = model
            config.orthogonalRegularization = beta
            let recipe = try ModelRegistry.family(named: model).makeRecipe(config, DataShape(sample: [1, 28, 28], classCount: 4))
            _ = recipe.step(1, diagnostics: false) { batch }
            return recipe
        }
        let (off, on) = (try stepped(0), try stepped(0.5))
        let embeddings = OrthogonalRegularization.embeddingParameterNames(in: off.model("generator")!)
        for ((name, a), (_, b)) in zip(off.model("generator")!.namedParameters(), on.model("generator")!.namedParameters()) {
            let regularized = a.rank >= 2 && !embeddings.contains(name)
            #expect((relativeError(b, a) > 0) == regularized, "\(model) G \(name): \(regularized ? "regularized" : "left alone")")
        }
        for ((name, a), (_, b)) in zip(off.model("discriminator")!.namedParameters(), on.model("discriminator")!.namedParameters()) {
            #expect(relativeError(b, a) == 0, "\(model) D \(name)")
        }
    }
}
