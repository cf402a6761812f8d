import Foundation
import SwiftGANImages

/// Experiment 1: the minimal GAN (the MLP GAN) on MNIST with the non-saturating loss, D's and
/// G's losses plotted side by side over the epochs. The claim: both losses oscillate in a band
/// rather than converge. A loss "holds a band" over the last half of the run when its spread in
/// the last quarter is at least half its spread in the third and above 0.001 (the swings do not
/// die out) and its mean moves by less than twice that spread (it does not drift towards a
/// limit). It agrees when both losses hold a band on most seeds.
enum MinimalGANExperiment {
    static func runs(_ lab: PracticeLab, seeds: Int? = nil) throws -> [PracticeLab.Run] {
        // Every checkpoint is kept: experiment 6 measures the generator a quarter of the way.
        try lab.trainSeeds("minimal", "mlp", steps: lab.budget.minimalSteps, seeds: seeds) { $0.keepCheckpoints = 5 }
    }

    /// Whether `values` (a loss over the run) holds a band over its last half, with the last
    /// quarter's mean and spread.
    static func band(_ values: [Double]) -> (holds: Bool, mean: Double, spread: Double) {
        let q = values.count / 4
        guard q >= 2 else { return (false, Stats.mean(values), Stats.std(values)) }
        let fourth = Array(values.suffix(q)), third = Array(values.dropLast(q).suffix(q))
        let (s3, s4) = (Stats.std(third), Stats.std(fourth))
        let holds = s4 >= 0.5 * s3 && s4 > 1e-3 && abs(Stats.mean(fourth) - Stats.mean(third)) < 2 * max(s3, s4)
        return (holds, Stats.mean(fourth), s4)
    }

    static func run(_ lab: PracticeLab) throws -> ExperimentResult {
        let runs = try runs(lab).filter { !$0.diverged }
        guard let first = runs.first else { throw PracticeError("every run of the minimal GAN diverged") }
        let imagesPerEpoch = Double(lab.trainingImages.count)
        var rows: [[String]] = []
        var bands = 0
        for run in runs {
            let d = band(run.series("loss_d").map(\.y)), g = band(run.series("loss_g").map(\.y))
            if d.holds && g.holds { bands += 1 }
            rows.append(["\(run.config.seed)", Stats.format(d.mean, 3), Stats.format(d.spread, 3), d.holds ? "band" : "converges or drifts",
                         Stats.format(g.mean, 3), Stats.format(g.spread, 3), g.holds ? "band" : "converges or drifts"])
        }
        func epochs(_ key: String) -> [(x: Double, y: Double)] {
            first.series(key).map { ($0.x * Double(first.config.batchSize) / imagesPerEpoch, $0.y) }
        }
        let plots = [("D loss", epochs("loss_d"), palette[0]), ("G loss", epochs("loss_g"), palette[1])].map { name, points, color in
            var plot = LinePlot(title: "\(name) (seed \(first.config.seed))", xLabel: "epoch", series: [.init(name: name, points: points, color: color)])
            (plot.width, plot.height) = (520, 300)
            return plot.svg()
        }
        let agrees = bands * 2 > runs.count
        let lastEpoch = Double(lab.budget.minimalSteps * first.config.batchSize) / imagesPerEpoch
        var result = ExperimentResult(
            .minimalGAN,
            figures: String(format: "%.1f epochs, %d seeds; last quarter, seed %@: D loss %@ (spread %@), G loss %@ (spread %@); both losses in a band on %d of %d seeds",
                            lastEpoch, runs.count, rows[0][0], rows[0][1], rows[0][2], rows[0][4], rows[0][5], bands, runs.count),
            conclusion: agrees ? "The losses keep swinging around a level instead of settling: the game's equilibrium is a band, not a point."
                : "The losses settled or drifted on most seeds rather than holding a band.",
            agrees: agrees,
            rule: "a loss holds a band when, over the run's last half, its spread in the last quarter is at least half that in the third and above 0.001, and its mean moves by less than twice that spread; agrees when both losses do on most seeds")
        result.plots = plots
        result.tables = [.init(caption: "Last-quarter D and G losses per seed", headers: ["seed", "D mean", "D spread", "D", "G mean", "G spread", "G"], rows: rows)]
        result.images = try lab.sampleGrid(of: runs, String(format: "samples after %.1f epochs", lastEpoch))
        return result
    }
}
