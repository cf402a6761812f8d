import Foundation
import SwiftGANImages

/// Experiment 3: spectral normalization of every layer of D, on and off, over the lab's seeds.
/// The claim: spectral norm makes runs agree across seeds. Stability is measured three ways: the
/// spread of D's loss trajectories across seeds (the standard deviation across seeds at each
/// logged step, averaged over the run, divided by the mean |loss| so that the two settings'
/// scales compare), the spread of the final FIDs, and the runs that diverged. It agrees when
/// spectral norm lowers the FID spread, or the divergences, without raising the other.
enum SpectralNormExperiment {
    /// The comparison model with the default settings, one run per seed (experiment 4's
    /// baseline too).
    static func plainRuns(_ lab: PracticeLab) throws -> [PracticeLab.Run] {
        try (0..<lab.seeds).map { seed in
            try lab.train("compare-plain-s\(seed)", lab.config(lab.budget.comparisonModel, steps: lab.budget.comparisonSteps, seed: seed))
        }
    }

    /// The relative spread of `key`'s trajectories across runs.
    static func trajectorySpread(_ runs: [PracticeLab.Run], _ key: String) -> Double {
        let series = runs.map { Dictionary($0.series(key).map { ($0.x, $0.y) }, uniquingKeysWith: { a, _ in a }) }
        let steps = series.first.map { Array($0.keys).sorted() } ?? []
        let spreads = steps.compactMap { step -> (Double, Double)? in
            let values = series.compactMap { $0[step] }
            return values.count == runs.count ? (Stats.std(values), Stats.mean(values.map(abs))) : nil
        }
        return Stats.mean(spreads.map(\.0)) / max(Stats.mean(spreads.map(\.1)), 1e-12)
    }

    static func run(_ lab: PracticeLab) throws -> ExperimentResult {
        let plain = try plainRuns(lab)
        let sn = try (0..<lab.seeds).map { seed in
            var config = try lab.config(lab.budget.comparisonModel, steps: lab.budget.comparisonSteps, seed: seed)
            config.spectralNorm = true
            return try lab.train("compare-sn-s\(seed)", config)
        }
        func fids(_ runs: [PracticeLab.Run]) throws -> [Double] {
            try runs.filter { !$0.diverged }.map { try lab.measure($0.generatorWeights, count: lab.budget.evalSamples).fid }
        }
        let (fidPlain, fidSN) = (try fids(plain), try fids(sn))
        let diverged = (plain.filter { $0.diverged || $0.alarms.contains("divergence") }.count,
                        sn.filter { $0.diverged || $0.alarms.contains("divergence") }.count)
        let spread = (trajectorySpread(plain, "loss_d"), trajectorySpread(sn, "loss_d"))
        let fidSpread = (Stats.std(fidPlain), Stats.std(fidSN))
        let agrees = (fidSpread.1 < fidSpread.0 && diverged.1 <= diverged.0) || (diverged.1 < diverged.0 && fidSpread.1 <= fidSpread.0)
        let model = lab.budget.comparisonModel
        var result = ExperimentResult(
            id: "3", title: PracticeExperiment.spectralNorm.title,
            claim: "spectral norm makes runs agree across seeds",
            figures: String(format: "%@, %d seeds × %d steps; FID %@ without, %@ with spectral norm; D-loss spread across seeds %.3f without, %.3f with; diverged %d and %d",
                            model, lab.seeds, lab.budget.comparisonSteps, Stats.describe(fidPlain, 1), Stats.describe(fidSN, 1), spread.0, spread.1, diverged.0, diverged.1),
            conclusion: agrees ? "With spectral norm the seeds end closer together: D's Lipschitz bound keeps every run on the same course."
                : "Spectral norm did not make the seeds agree more here (FID spread \(Stats.format(fidSpread.1, 1)) with, \(Stats.format(fidSpread.0, 1)) without).",
            agrees: agrees,
            rule: "agrees when spectral norm lowers the standard deviation of the final FIDs across seeds, or the number of diverged runs, and raises neither")
        func lossPlot(_ runs: [PracticeLab.Run], _ title: String) -> String {
            var plot = LinePlot(title: title, xLabel: "step", series: runs.enumerated().map { k, r in
                .init(name: "seed \(k)", points: r.series("loss_d"), color: palette[k % palette.count])
            })
            (plot.width, plot.height) = (520, 300)
            return plot.svg()
        }
        result.plots = [lossPlot(plain, "D loss without spectral norm"), lossPlot(sn, "D loss with spectral norm")]
        result.tables = [.init(caption: "Final FID per seed (\(lab.budget.evalSamples) samples against the test images)",
                               headers: ["seed", "without", "with spectral norm"],
                               rows: (0..<lab.seeds).map { k in
            ["\(k)", plain[k].diverged ? "diverged" : Stats.format(fidPlain[plain[..<k].filter { !$0.diverged }.count], 1),
             sn[k].diverged ? "diverged" : Stats.format(fidSN[sn[..<k].filter { !$0.diverged }.count], 1)]
        })]
        return result
    }
}
