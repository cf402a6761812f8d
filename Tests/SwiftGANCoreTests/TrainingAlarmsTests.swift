import SwiftGAN
import SwiftGANTestSupport
import Testing

@Suite struct TrainingAlarmsTests {
    func stats(_ d: Float, _ g: Float, normG: Float = 1) -> StepStatistics {
        StepStatistics(lossD: d, lossG: g, realScore: 0.5, fakeScore: 0.5, gradientNormD: 1, gradientNormG: normG)
    }

    /// A run that blows up at its second log point has no running median yet: the first logged
    /// value stands in for it.
    @Test func divergenceBeforeFiveLogPointsIsCaught() {
        var alarms = TrainingAlarms(warmupSteps: 0)
        #expect(alarms.check(step: 100, stats: stats(1.4, 0.7), diversity: nil, bceLoss: true).isEmpty)
        let blowUp = alarms.check(step: 200, stats: stats(500, 900), diversity: nil, bceLoss: true)
        #expect(blowUp.map(\.kind) == [.divergence])
        #expect(blowUp.first?.evidence == "|D loss| + |G loss| = 1400 is over 100× its first logged value 2.1 (taken as at least 1)")

        var norms = TrainingAlarms(warmupSteps: 0)
        _ = norms.check(step: 100, stats: stats(1, 1, normG: 0.5), diversity: nil, bceLoss: true)
        let gradient = norms.check(step: 200, stats: stats(1, 1, normG: 5000), diversity: nil, bceLoss: true)
        #expect(gradient.map(\.kind) == [.divergence])
        #expect(gradient.first?.evidence.hasPrefix("G's gradient norm 5000 is over 100× its first logged value 0.5") == true)
    }

    /// Healthy early training, where WGAN-style losses and norms start near 0 and grow a
    /// hundredfold, raises nothing.
    @Test func healthyEarlyGrowthFromNearZeroIsNotDivergence() {
        var alarms = TrainingAlarms(warmupSteps: 0)
        for (step, (loss, norm)) in [(0.01 as Float, 0.02 as Float), (0.5, 0.3), (3, 2), (20, 8)].enumerated() {
            #expect(alarms.check(step: step, stats: stats(loss, loss, normG: norm), diversity: nil, bceLoss: false).isEmpty,
                    "step \(step): loss \(loss), norm \(norm)")
        }
    }
}
