import Foundation
import SwiftGANImages

/// Experiment 3: spectral normalization of every layer of D, on and off, over the lab's seeds.
/// The claim: spectral norm makes runs agree across seeds. Stability is measured three ways: the
/// spread of the final FIDs across seeds, the runs that diverged (stopped on non-finite values),
/// and the spread of D's loss trajectories (the standard deviation across seeds at each logged
/// step, averaged over the run, divided by the mean |loss| so that the two settings' scales
/// compare). It agrees when spectral norm lowers the FID spread without more divergences, or
/// lowers the divergences without a larger FID spread; it needs two seeds.
enum SpectralNormExperiment {
    /// The comparison model with the default settings, one run per seed (experiment 4's
    /// baseline too).
    static func plainRuns(_ lab: PracticeLab) throws -> [PracticeLab.Run] {
        try lab.trainSeeds("compare-plain", lab.budget.comparisonModel, steps: lab.budget.comparisonSteps)
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
        let sn = try lab.trainSeeds("compare-sn", lab.budget.comparisonModel, steps: lab.budget.comparisonSteps) { $0.spectralNorm = true }
        let (figuresPlain, figuresSN) = (try lab.measure(plain, count: lab.budget.evalSamples), try lab.measure(sn, count: lab.budget.evalSamples))
        let (fidPlain, fidSN) = (figuresPlain.compactMap { $0?.fid }, figuresSN.compactMap { $0?.fid })
        let diverged = (plain.filter(\.diverged).count, sn.filter(\.diverged).count)
        let alarms = (plain.filter(\.divergenceAlarm).count, sn.filter(\.divergenceAlarm).count)
        let spread = (trajectorySpread(plain.filter { !$0.diverged }, "loss_d"), trajectorySpread(sn.filter { !$0.diverged }, "loss_d"))
        let fidSpread = (Stats.std(fidPlain), Stats.std(fidSN))
        let comparable = fidPlain.count > 1 && fidSN.count > 1
        let agrees: Bool? = lab.seeds < 2 ? nil
            : comparable ? (fidSpread.1 < fidSpread.0 && diverged.1 <= diverged.0) || (diverged.1 < diverged.0 && fidSpread.1 <= fidSpread.0)
            : diverged.1 < diverged.0
        let conclusion = switch agrees {
        case true?: "With spectral norm the seeds end closer together: D's Lipschitz bound keeps every run on the same course."
        case false?: "Spectral norm did not make the seeds agree more here (FID spread \(Stats.format(fidSpread.1, 1)) with, \(Stats.format(fidSpread.0, 1)) without; \(diverged.1) and \(diverged.0) diverged)."
        case nil: "Agreement across seeds needs at least two seeds (--seeds 2 or more)."
        }
        var result = ExperimentResult(
            .spectralNorm,
            figures: String(format: "%@, %d seeds × %d steps; FID %@ without, %@ with spectral norm (spread %.1f and %.1f); D-loss spread across seeds %.3f without, %.3f with; runs diverged %d and %d; divergence alarms %d and %d",
                            lab.budget.comparisonModel, lab.seeds, lab.budget.comparisonSteps, Stats.describe(fidPlain, 1), Stats.describe(fidSN, 1),
                            fidSpread.0, fidSpread.1, spread.0, spread.1, diverged.0, diverged.1, alarms.0, alarms.1),
            conclusion: conclusion, agrees: agrees,
            rule: "agrees when spectral norm lowers the standard deviation of the final FIDs across seeds without more diverged runs, or lowers the diverged runs without a larger FID spread; needs two seeds")
        func lossPlot(_ runs: [PracticeLab.Run], _ title: String) -> String {
            var plot = LinePlot(title: title, xLabel: "step", series: runs.enumerated().map { k, r in
                .init(name: k < 5 ? "seed \(r.config.seed)" : "", points: r.series("loss_d"), color: palette[k % palette.count])
            })
            (plot.width, plot.height) = (520, 300)
            return plot.svg()
        }
        result.plots = [lossPlot(plain, "D loss without spectral norm"), lossPlot(sn, "D loss with spectral norm")]
        result.tables = [.init(caption: "Final FID per seed (\(lab.budget.evalSamples) samples against the test images)",
                               headers: ["seed", "without", "with spectral norm"],
                               rows: zip(figuresPlain, figuresSN).enumerated().map { k, pair in
            ["\(k)", pair.0.map { Stats.format($0.fid, 1) } ?? "diverged", pair.1.map { Stats.format($0.fid, 1) } ?? "diverged"]
        })]
        return result
    }
}
