import Foundation
import SwiftGANImages

/// Experiment 4: D's learning rate at 1/10 of G's (G keeps its default, D gets a tenth of it),
/// against experiment 3's runs with the default rates: only D's rate changes. The claim: G
/// "wins" (D cannot tell its samples apart, D(G(z)) stays high) but produces one or two modes.
/// Coverage is measured as the evaluator's digit classes covered and recall against the test
/// images; the run's mode-collapse alarm is reported too. It agrees when most seeds cover at
/// most two digits while D(G(z)) averages above 0.3 over the last quarter.
enum SlowDiscriminatorExperiment {
    static func runs(_ lab: PracticeLab, seeds: Int? = nil) throws -> [PracticeLab.Run] {
        try lab.trainSeeds("slow-d", lab.budget.comparisonModel, steps: lab.budget.comparisonSteps, seeds: seeds) { config in
            config.learningRateD = config.learningRateG / 10
        }
    }

    static func run(_ lab: PracticeLab) throws -> ExperimentResult {
        let slow = try runs(lab), plain = try SpectralNormExperiment.plainRuns(lab)
        let (f, base) = (try lab.measure(slow, count: lab.budget.evalSamples), try lab.measure(plain, count: lab.budget.evalSamples))
        func lastQuarter(_ run: PracticeLab.Run, _ key: String) -> Double {
            let v = run.series(key).map(\.y)
            return Stats.mean(Array(v.suffix(max(1, v.count / 4))))
        }
        let measured = f.compactMap { $0 }, baseMeasured = base.compactMap { $0 }
        let fake = slow.filter { !$0.diverged }.map { lastQuarter($0, "d_fake") }, baseFake = plain.filter { !$0.diverged }.map { lastQuarter($0, "d_fake") }
        let collapsed = measured.filter { $0.modes <= 2 }.count
        let alarms = slow.filter { $0.alarms.contains("mode-collapse") }.count
        let gWins = Stats.mean(fake) > 0.3
        let agrees = collapsed * 2 > measured.count && gWins
        let lr = slow[0].config
        var result = ExperimentResult(
            .slowDiscriminator,
            figures: String(format: "lr G %g, lr D %g against the defaults' %g; digits covered %@ of 10 (defaults: %@), recall %@ (%@), precision %@ (%@); D(G(z)) in the last quarter %@ (%@); mode-collapse alarm on %d of %d seeds; %d diverged",
                            lr.learningRateG, lr.learningRateD, plain[0].config.learningRateD,
                            Stats.describe(measured.map { Double($0.modes) }, 1), Stats.describe(baseMeasured.map { Double($0.modes) }, 1),
                            Stats.describe(measured.map(\.recall)), Stats.describe(baseMeasured.map(\.recall)),
                            Stats.describe(measured.map(\.precision)), Stats.describe(baseMeasured.map(\.precision)),
                            Stats.describe(fake), Stats.describe(baseFake), alarms, slow.count, slow.filter(\.diverged).count),
            conclusion: agrees ? "D learns too slowly to push G off the few digits it fools D with: G wins the game and collapses."
                : collapsed * 2 > measured.count ? "G collapsed, but D still rejected its samples (D(G(z)) \(Stats.format(Stats.mean(fake), 3)))."
                : "G did not collapse to one or two digits here (\(Stats.describe(measured.map { Double($0.modes) }, 1)) covered); the slow D \(gWins ? "was fooled" : "still won").",
            agrees: measured.isEmpty ? nil : agrees,
            rule: "agrees when most seeds cover at most 2 of the 10 digits (the evaluator's classes) and the mean D(G(z)) over the last quarter is above 0.3")
        var plot = LinePlot(title: "D(G(z)) during D's step: D at 1/10 of G's rate against the defaults (seed 0)", xLabel: "step", series: [
            .init(name: "lr D = lr G / 10", points: slow[0].series("d_fake"), color: palette[1]),
            .init(name: "defaults", points: plain[0].series("d_fake"), color: palette[0])])
        plot.width = 720
        result.plots = [plot.svg()]
        result.tables = [.init(caption: "Per seed (\(lab.budget.evalSamples) samples against the test images)",
                               headers: ["seed", "digits covered", "recall", "precision", "alarm", "defaults: digits", "defaults: recall"],
                               rows: (0..<slow.count).map { k in
            [slow[k].config.seed.description, f[k].map { "\($0.modes)" } ?? "diverged", f[k].map { Stats.format($0.recall) } ?? "",
             f[k].map { Stats.format($0.precision) } ?? "", slow[k].alarms.contains("mode-collapse") ? "mode collapse" : "none",
             base[k].map { "\($0.modes)" } ?? "diverged", base[k].map { Stats.format($0.recall) } ?? ""]
        })]
        result.images = try lab.sampleGrid(of: slow, "samples, D at 1/10 of G's rate") + lab.sampleGrid(of: plain, "samples, default rates")
        return result
    }
}
