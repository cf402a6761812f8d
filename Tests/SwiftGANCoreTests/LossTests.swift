import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

@Suite struct LossTests {
    let real = Tensor([[2], [-1]]), fake = Tensor([[0.5], [-3]])

    func softplus(_ x: Float) -> Float { Foundation.log1p(Foundation.exp(x)) }

    @Test func lossesHaveTheirTextbookValues() {
        let (r, f) = (real, fake)
        // The BCE losses through softplus: -log σ(x) = softplus(-x), -log(1 - σ(x)) = softplus(x).
        let bceD = (softplus(-2) + softplus(1)) / 2 + (softplus(0.5) + softplus(-3)) / 2
        #expect(abs(GANLoss.nonSaturating.discriminatorLoss(real: r, fake: f).item - bceD) < 1e-5)
        #expect(abs(GANLoss.nonSaturating.generatorLoss(fake: f).item - (softplus(-0.5) + softplus(3)) / 2) < 1e-5)
        #expect(abs(GANLoss.saturating.generatorLoss(fake: f).item + (softplus(0.5) + softplus(-3)) / 2) < 1e-5)
        let smoothed = GANLoss.nonSaturating.discriminatorLoss(real: r, fake: f, realTarget: 0.9).item
        let smoothedReal = ((0.1 * 2 + softplus(-2)) + (0.1 * -1 + softplus(1))) / 2
        #expect(abs(smoothed - (smoothedReal + (softplus(0.5) + softplus(-3)) / 2)) < 1e-5)
        // Wasserstein: E[D(fake)] - E[D(real)].
        #expect(abs(GANLoss.wgan.discriminatorLoss(real: r, fake: f).item - (-1.25 - 0.5)) < 1e-6)
        #expect(abs(GANLoss.wganGP.generatorLoss(fake: f).item - 1.25) < 1e-6)
        // LSGAN: ½E[(D(x) - 1)²] + ½E[D(G(z))²].
        #expect(abs(GANLoss.lsgan.discriminatorLoss(real: r, fake: f).item - (0.5 * (1 + 4) / 2 + 0.5 * (0.25 + 9) / 2)) < 1e-5)
        #expect(abs(GANLoss.lsgan.generatorLoss(fake: f).item - 0.5 * (0.25 + 16) / 2) < 1e-5)
        // Hinge: E[max(0, 1 - D(x))] + E[max(0, 1 + D(G(z)))].
        #expect(abs(GANLoss.hinge.discriminatorLoss(real: r, fake: f).item - ((0 + 2) / 2 + (1.5 + 0) / 2)) < 1e-6)
        // Relativistic average: against the other side's mean (real mean 0.5, fake mean -1.25).
        let ra = (softplus(-(2 + 1.25)) + softplus(-(-1 + 1.25))) / 2 + (softplus(0.5 - 0.5) + softplus(-3 - 0.5)) / 2
        #expect(abs(GANLoss.ragan.discriminatorLoss(real: r, fake: f).item - ra) < 1e-5)
        let raG = (softplus(-(0.5 - 0.5)) + softplus(-(-3 - 0.5))) / 2 + (softplus(2 + 1.25) + softplus(-1 + 1.25)) / 2
        #expect(abs(GANLoss.ragan.generatorLoss(real: r, fake: f).item - raG) < 1e-5)
        let rals = ((2 + 1.25 - 1) * (2 + 1.25 - 1) + (-1 + 1.25 - 1) * (-1 + 1.25 - 1)) / 2
            + ((0.5 - 0.5 + 1) * (0.5 - 0.5 + 1) + (-3 - 0.5 + 1) * (-3 - 0.5 + 1)) / 2
        #expect(abs(GANLoss.ralsgan.discriminatorLoss(real: r, fake: f).item - Float(rals)) < 1e-5)
    }

    /// Every loss trains the MLP GAN on MNIST for 2,000 steps without a non-finite value.
    @Test(.serialized, arguments: GANLoss.allCases)
    func everyLossTrainsTheMLPGANWithoutNaN(_ loss: GANLoss) throws {
        var config = TrainingConfig(loss: loss)
        config.dataDirectory = Fixtures.mnistDirectory
        config.steps = 2000
        config.sampleEvery = 2000
        config.logEvery = 250
        config.checkpointEvery = 2000
        let run = try TrainingRun(config: config, directory: try Fixtures.temporaryDirectory())
        run.showProgress = false
        let summary = try run.run()
        #expect(summary.finalLossD.isFinite && summary.finalLossG.isFinite, "\(loss.rawValue): \(summary.finalLossD), \(summary.finalLossG)")
        #expect(!summary.alarms.contains { $0.kind == .nonFinite })
    }
}
