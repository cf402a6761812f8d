import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

/// MSGAN's mode-seeking penalty: its value, the pairs it compares, the direction its gradient
/// pushes, and that the cgan and biggan steps apply and log it only when asked.
@Suite struct ModeSeekingTests {
    @Test func pairsAskForTheSameClassTwice() {
        var rng = RandomGenerator(seed: 1)
        let z = rng.normal([5, 3])
        let (paired, labels) = ModeSeeking(weight: 1).pairs(latents: z, labels: [4, 7, 1, 2, 9])
        #expect(labels == [4, 7, 4, 7])
        #expect(paired.scalars == Array(z.scalars[..<12]), "the batch's first 2·(n/2) latents")
    }

    @Test func penaltyIsTheWeightOverTheDistanceRatio() {
        var rng = RandomGenerator(seed: 2)
        let fakes = rng.normal([4, 1, 3, 3]), z = rng.normal([4, 5])
        let f = fakes.scalars, l = z.scalars
        let imageDistance = (0..<18).map { Double(abs(f[$0] - f[18 + $0])) }.reduce(0, +) / 18
        let latentDistance = (0..<10).map { Double(abs(l[$0] - l[10 + $0])) }.reduce(0, +) / 10
        let expected = 0.3 / (imageDistance / latentDistance + 1e-5)
        let got = Double(ModeSeeking(weight: 0.3).penalty(fakes: fakes, latents: z).item)
        #expect(abs(got - expected) < 1e-5 * expected, "\(got) vs \(expected)")
    }

    /// Descending the penalty moves the two images of a pair apart.
    @Test func itsGradientPushesPairsApart() {
        var rng = RandomGenerator(seed: 3)
        let a = rng.normal([1, 1, 4, 4])
        let fakes = Tensor.concat([a, a + rng.normal([1, 1, 4, 4]) * 0.01], axis: 0).scalars
        let x = Tensor(fakes, shape: [2, 1, 4, 4], requiresGrad: true)
        let g = grad(of: ModeSeeking(weight: 1).penalty(fakes: x, latents: rng.normal([2, 8])), wrt: [x])[0].scalars
        let before = zip(fakes[..<16], fakes[16...]).map { abs($0 - $1) }.reduce(0, +)
        let moved = fakes.enumerated().map { $0.element - 0.01 * g[$0.offset] }
        let after = zip(moved[..<16], moved[16...]).map { abs($0 - $1) }.reduce(0, +)
        #expect(after > before, "a step down the penalty separates the pair: \(before) → \(after)")
    }

    @Test(arguments: ["cgan", "biggan"])
    func theStepAppliesAndLogsItOnlyWhenAsked(_ model: String) throws {
        var rng = RandomGenerator(seed: 4)
        let real = rng.uniform([4, 1, 28, 28]) * 2 - 1
        let labels = [0, 1, 2, 3]
        for weight in [Float(0), 1] {
            var config = try TrainingConfig.defaults(for: model)
            config.options["modeSeeking"] = .double(Double(weight))
            let recipe = try ModelRegistry.family(named: model).makeRecipe(config, DataShape(sample: [1, 28, 28], classCount: 10))
                as! any ConditionalAdversarialRecipe
            let z = rng.normal([4, recipe.latentDimension])
            let stats = recipe.step(real: real, labels: labels, latents: (z, z))
            #expect((stats.losses["loss_mode_seeking"] != nil) == (weight > 0), "\(model), λ \(weight): logged only when on")
            #expect(recipe.lossNames == (weight > 0 ? ["loss_mode_seeking"] : []))
        }
    }

    /// A relativistic loss scores as many real images as there are paired fakes, so an odd batch
    /// (one latent left out of the pairs) still trains.
    @Test func anOddBatchTrainsWithTheRelativisticLoss() throws {
        var rng = RandomGenerator(seed: 5)
        var config = try TrainingConfig.defaults(for: "cgan")
        config.loss = .ragan
        let recipe = try ModelRegistry.family(named: "cgan").makeRecipe(config, DataShape(sample: [1, 28, 28], classCount: 10))
            as! any ConditionalAdversarialRecipe
        let z = rng.normal([5, recipe.latentDimension])
        let stats = recipe.step(real: rng.uniform([5, 1, 28, 28]) * 2 - 1, labels: [0, 1, 2, 3, 4], latents: (z, z))
        #expect(stats.lossG.isFinite && stats.losses["loss_mode_seeking"] != nil)
    }
}
