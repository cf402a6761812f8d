import Foundation
import SwiftGANImages

/// Experiment 1: the minimal GAN (the MLP GAN) on MNIST with the non-saturating loss, D's and
/// G's losses plotted side by side over the epochs. The claim: both losses oscillate in a band
/// rather than converge. A loss "holds a band" over the last half of the run when its spread in
/// the last quarter is at least half its spread in the third (the swings do not die out) and its
/// mean moves by less than twice that spread (it does not drift towards a limit).
enum MinimalGANExperiment {
    static func runs(_ lab: PracticeLab) throws -> [PracticeLab.Run] {
        try (0..<lab.seeds).map { seed in
            try lab.train("minimal-s\(seed)", lab.config("mlp", steps: lab.budget.minimalSteps, seed: seed))
        }
    }

    /// Whether `values` (a loss over the run) holds a band over its last half, with the numbers.
    static func band(_ values: [Double]) -> (holds: Bool, mean: Double, spread: Double) {
        let q = values.count / 4
        guard q >= 2 else { return (false, Stats.mean(values), Stats.std(values)) }
        let third = Array(values[(2 * q)..<(3 * q)]), fourth = Array(values[(3 * q)...])
        let (s3, s4) = (Stats.std(third), Stats.std(fourth))
        let holds = s4 >= 0.5 * s3 && s4 > 1e-3 && abs(Stats.mean(fourth) - Stats.mean(third)) < 2 * max(s3, s4)
        return (holds, Stats.mean(fourth), s4)
    }

    static func run(_ lab: PracticeLab) throws -> ExperimentResult {
        let runs = try runs(lab)
        let imagesPerEpoch = Double(lab.train.count)
        var rows: [[String]] = []
        var bands = 0
        for (seed, run) in runs.enumerated() {
            let d = band(run.series("loss_d").map(\.y)), g = band(run.series("loss_g").map(\.y))
            if d.holds && g.holds { bands += 1 }
            rows.append(["\(seed)", Stats.format(d.mean, 3), Stats.format(d.spread, 3), d.holds ? "band" : "converges or drifts",
                         Stats.format(g.mean, 3), Stats.format(g.spread, 3), g.holds ? "band" : "converges or drifts"])
        }
        let first = runs[0]
        func epochs(_ key: String) -> [(x: Double, y: Double)] {
            first.series(key).map { (Double($0.x) * Double(first.config.batchSize) / imagesPerEpoch, $0.y) }
        }
        let plots = [LinePlot(title: "D loss (seed 0)", xLabel: "epoch", series: [.init(name: "D loss", points: epochs("loss_d"), color: palette[0])]),
                     LinePlot(title: "G loss (seed 0)", xLabel: "epoch", series: [.init(name: "G loss", points: epochs("loss_g"), color: palette[1])])]
            .map { plot -> String in var p = plot; p.width = 520; p.height = 300; return p.svg() }
        let agrees = bands * 2 > runs.count
        let lastEpoch = Double(lab.budget.minimalSteps * first.config.batchSize) / imagesPerEpoch
        var result = ExperimentResult(
            id: "1", title: PracticeExperiment.minimalGAN.title,
            claim: "both losses oscillate in a band rather than converge",
            figures: String(format: "%.1f epochs, %d seeds; last quarter: D loss %@ (spread %@), G loss %@ (spread %@); both in a band on %d of %d seeds",
                            lastEpoch, runs.count, rows[0][1], rows[0][2], rows[0][4], rows[0][5], bands, runs.count),
            conclusion: agrees ? "The losses keep swinging around a level instead of settling: the game's equilibrium is a band, not a point."
                : "The losses settled or drifted on most seeds rather than holding a band.",
            agrees: agrees,
            rule: "a loss holds a band when, over the run's last half, its spread in the last quarter is at least half that in the third and its mean moves by less than twice that spread")
        result.plots = plots
        result.tables = [.init(caption: "Last-quarter D and G losses per seed", headers: ["seed", "D mean", "D spread", "D", "G mean", "G spread", "G"], rows: rows)]
        result.images = [("samples after \(String(format: "%.1f", lastEpoch)) epochs (seed 0)", try lab.sampleGrid(first.generatorWeights))]
        return result
    }
}
