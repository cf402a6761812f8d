import Foundation
import SwiftGANCore
import SwiftGANImages

/// Experiment 5: WGAN-GP (Gulrajani et al.: 5 critic steps per G step, λ 10, Adam 1e-4 with
/// β (0.5, 0.9)), FID from 5,000 generated and 5,000 test images. The claim: WGAN-GP trains
/// without collapse. It agrees when no seed diverged, raised the mode-collapse alarm or covered
/// fewer than 9 of the 10 digits.
enum WassersteinExperiment {
    static func run(_ lab: PracticeLab) throws -> ExperimentResult {
        let runs = try lab.trainSeeds("wgan-gp", lab.budget.comparisonModel, steps: lab.budget.wganSteps) { config in
            config.loss = .wganGP
            config.discriminatorSteps = 5
            (config.learningRateD, config.learningRateG, config.beta1, config.beta2) = (1e-4, 1e-4, 0.5, 0.9)
        }
        let n = lab.budget.wganEvalSamples
        let perRun = try lab.measure(runs, count: n)
        let figures = perRun.compactMap { $0 }
        let diverged = runs.filter(\.diverged).count
        let alarms = runs.filter { $0.alarms.contains("mode-collapse") }.count
        let fewModes = figures.filter { $0.modes < 9 }.count
        let agrees = diverged == 0 && alarms == 0 && fewModes == 0
        var result = ExperimentResult(
            .wassersteinGP,
            figures: String(format: "%@, %d seeds × %d G steps (5 critic steps each); FID %@ (%d generated against %d test images), precision %@, recall %@, digits covered %@ of 10; diverged %d, mode-collapse alarms %d, divergence alarms %d",
                            lab.budget.comparisonModel, runs.count, lab.budget.wganSteps, Stats.describe(figures.map(\.fid), 1), n, n,
                            Stats.describe(figures.map(\.precision)), Stats.describe(figures.map(\.recall)),
                            Stats.describe(figures.map { Double($0.modes) }, 1), diverged, alarms, runs.filter(\.divergenceAlarm).count),
            conclusion: agrees ? "Every seed covers the digits without an alarm: the critic's gradient keeps pointing G at all of the data."
                : "WGAN-GP did not train cleanly here: \(diverged) diverged, \(alarms) collapse alarms, \(fewModes) seeds with fewer than 9 digits.",
            agrees: agrees,
            rule: "agrees when no seed diverged, raised the mode-collapse alarm or covered fewer than 9 of the 10 digits")
        var plot = LinePlot(title: "the critic's loss (−W estimate + gradient penalty), every seed", xLabel: "step", series: runs.enumerated().map { k, r in
            .init(name: k < 5 ? "seed \(r.config.seed)" : "", points: r.series("loss_d"), color: palette[k % palette.count])
        })
        plot.width = 720
        result.plots = [plot.svg()]
        result.tables = [.init(caption: "Per seed (\(n) generated against \(n) test images)", headers: ["seed", "FID", "precision", "recall", "digits"],
                               rows: zip(runs, perRun).map { run, f in
            ["\(run.config.seed)"] + (f.map { [Stats.format($0.fid, 1), Stats.format($0.precision), Stats.format($0.recall), "\($0.modes)"] }
                                      ?? ["diverged", "", "", ""])
        })]
        result.images = try lab.sampleGrid(of: runs, "WGAN-GP samples")
        return result
    }
}
