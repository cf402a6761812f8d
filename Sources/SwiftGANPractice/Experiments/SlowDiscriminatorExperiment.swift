import Foundation
import SwiftGANImages

/// Experiment 4: D's learning rate at 1/10 of G's (G 2e-4, D 2e-5), against experiment 3's
/// default runs. The claim: G "wins" (D cannot tell its samples apart, D(G(z)) stays high) but
/// produces one or two modes. Coverage is measured as the evaluator's digit classes covered and
/// recall against the test images; the run's mode-collapse alarm is reported too. It agrees
/// when most seeds cover at most two digits while D(G(z)) averages above 0.3 over the last
/// quarter.
enum SlowDiscriminatorExperiment {
    static let learningRateG: Float = 2e-4

    static func runs(_ lab: PracticeLab) throws -> [PracticeLab.Run] {
        try (0..<lab.seeds).map { seed in
            var config = try lab.config(lab.budget.comparisonModel, steps: lab.budget.comparisonSteps, seed: seed)
            config.learningRateG = learningRateG
            config.learningRateD = learningRateG / 10
            return try lab.train("slow-d-s\(seed)", config)
        }
    }

    static func run(_ lab: PracticeLab) throws -> ExperimentResult {
        let slow = try runs(lab), plain = try SpectralNormExperiment.plainRuns(lab)
        func figures(_ runs: [PracticeLab.Run]) throws -> [PracticeLab.Figures] {
            try runs.filter { !$0.diverged }.map { try lab.measure($0.generatorWeights, count: lab.budget.evalSamples) }
        }
        let (f, base) = (try figures(slow), try figures(plain))
        func lastQuarter(_ run: PracticeLab.Run, _ key: String) -> Double {
            let v = run.series(key).map(\.y)
            return Stats.mean(Array(v.suffix(max(1, v.count / 4))))
        }
        let fake = slow.map { lastQuarter($0, "d_fake") }, baseFake = plain.map { lastQuarter($0, "d_fake") }
        let collapsed = f.filter { $0.modes <= 2 }.count
        let alarms = slow.filter { $0.alarms.contains("mode-collapse") }.count
        let gWins = Stats.mean(fake) > 0.3
        let agrees = collapsed * 2 > slow.count && gWins
        var result = ExperimentResult(
            id: "4", title: PracticeExperiment.slowDiscriminator.title,
            claim: "with D's learning rate at 1/10 of G's, G \"wins\" but produces one or two modes",
            figures: String(format: "digits covered %@ of 10 (default rates: %@), recall %@ (%@), precision %@ (%@); D(G(z)) in the last quarter %@ (%@); mode-collapse alarm on %d of %d seeds",
                            Stats.describe(f.map { Double($0.modes) }, 1), Stats.describe(base.map { Double($0.modes) }, 1),
                            Stats.describe(f.map(\.recall)), Stats.describe(base.map(\.recall)),
                            Stats.describe(f.map(\.precision)), Stats.describe(base.map(\.precision)),
                            Stats.describe(fake), Stats.describe(baseFake), alarms, slow.count),
            conclusion: agrees ? "D learns too slowly to push G off the few digits it fools D with: G wins the game and collapses."
                : collapsed * 2 > slow.count ? "G collapsed, but D still rejected its samples (D(G(z)) \(Stats.format(Stats.mean(fake), 3)))."
                : "G did not collapse to one or two digits here (\(Stats.describe(f.map { Double($0.modes) }, 1)) covered); the slow D \(gWins ? "was fooled" : "still won").",
            agrees: agrees,
            rule: "agrees when most seeds cover at most 2 of the 10 digits (the evaluator's classes) and the mean D(G(z)) over the last quarter is above 0.3")
        var plot = LinePlot(title: "D(G(z)) during D's step: D at 1/10 of G's rate against the defaults (seed 0)", xLabel: "step", series: [
            .init(name: "lr D = lr G / 10", points: slow[0].series("d_fake"), color: palette[1]),
            .init(name: "defaults", points: plain[0].series("d_fake"), color: palette[0])])
        plot.width = 720
        result.plots = [plot.svg()]
        result.tables = [.init(caption: "Per seed (\(lab.budget.evalSamples) samples against the test images)",
                               headers: ["seed", "digits covered", "recall", "precision", "alarm", "defaults: digits", "defaults: recall"],
                               rows: (0..<min(f.count, base.count)).map { k in
            ["\(k)", "\(f[k].modes)", Stats.format(f[k].recall), Stats.format(f[k].precision),
             slow[k].alarms.contains("mode-collapse") ? "mode collapse" : "none", "\(base[k].modes)", Stats.format(base[k].recall)]
        })]
        result.images = [("samples, D at 1/10 of G's rate (seed 0)", try lab.sampleGrid(slow[0].generatorWeights)),
                         ("samples, default rates (seed 0)", try lab.sampleGrid(plain[0].generatorWeights))]
        return result
    }
}
