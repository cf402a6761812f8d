import Foundation
import SwiftGANCore
import SwiftGANImages

/// Experiment 2: the original minimax ("saturating") G loss, log(1 − D(G(z))), against the
/// non-saturating −log D(G(z)), on the same seeds for the budget's first steps. The claim: with
/// the saturating loss G's gradient vanishes while D wins. The number: the ratio of G's mean
/// gradient norm under the non-saturating loss to that under the saturating loss. It agrees when
/// the ratio is above 2 and D wins under the saturating loss: its mean D(G(z)) over the last
/// quarter of those steps, when the gradient has had time to vanish, is below 0.2.
enum SaturatingLossExperiment {
    static func run(_ lab: PracticeLab) throws -> ExperimentResult {
        let steps = lab.budget.gradientSteps
        func runs(_ loss: GANLoss) throws -> [PracticeLab.Run] {
            try lab.trainSeeds("gradient-\(loss.rawValue)", "mlp", steps: steps) { config in
                config.loss = loss
                config.logEvery = max(1, steps / 50)
            }
        }
        let ns = try runs(.nonSaturating), saturating = try runs(.saturating)
        func meanNorm(_ runs: [PracticeLab.Run]) -> Double { Stats.mean(runs.flatMap { $0.series("grad_norm_g").map(\.y) }) }
        func meanFake(_ runs: [PracticeLab.Run]) -> Double {
            Stats.mean(runs.flatMap { run in let v = run.series("d_fake").map(\.y); return v.suffix(max(1, v.count / 4)) })
        }
        let (normNS, normSat) = (meanNorm(ns), meanNorm(saturating))
        let ratio = normNS / max(normSat, 1e-30)
        let fakeSat = meanFake(saturating), fakeNS = meanFake(ns)
        let agrees = ratio > 2 && fakeSat < 0.2
        func log10Norms(_ run: PracticeLab.Run) -> [(x: Double, y: Double)] { run.series("grad_norm_g").map { ($0.x, log10(max($0.y, 1e-12))) } }
        let normPlot = LinePlot(title: "log10 of G's gradient norm over the first \(steps) steps (every seed)", xLabel: "step", series:
            ns.enumerated().map { k, r in .init(name: k == 0 ? "non-saturating" : "", points: log10Norms(r), color: palette[0]) }
            + saturating.enumerated().map { k, r in .init(name: k == 0 ? "saturating" : "", points: log10Norms(r), color: palette[1]) })
        let fakePlot = LinePlot(title: "D(G(z)) during D's step (seed 0)", xLabel: "step", series: [
            .init(name: "non-saturating", points: ns[0].series("d_fake"), color: palette[0]),
            .init(name: "saturating", points: saturating[0].series("d_fake"), color: palette[1])])
        var result = ExperimentResult(
            .saturatingLoss,
            figures: String(format: "vanishing-gradient ratio %.1f: G's mean gradient norm over the first %d steps is %.3g with the non-saturating loss and %.3g with the saturating loss (%d seeds); D(G(z)) over the last quarter %.3f saturating, %.3f non-saturating",
                            ratio, steps, normNS, normSat, lab.seeds, fakeSat, fakeNS),
            conclusion: agrees ? "D rejects the fakes confidently, where log(1 − D(G(z))) is flat, so the saturating loss leaves G almost no gradient."
                : "The saturating loss did not starve G of gradient here (ratio \(Stats.format(ratio, 1)), mean D(G(z)) \(Stats.format(fakeSat, 3))).",
            agrees: agrees,
            rule: "agrees when the non-saturating/saturating ratio of G's mean gradient norm is above 2 and the saturating runs' mean D(G(z)) over the last quarter of the steps is below 0.2 (D wins)")
        result.plots = [normPlot.svg(), fakePlot.svg()]
        result.tables = [.init(caption: "G's mean gradient norm per seed", headers: ["seed", "non-saturating", "saturating", "ratio"],
                               rows: zip(ns, saturating).map { a, b in
            let (x, y) = (meanNorm([a]), meanNorm([b]))
            return ["\(a.config.seed)", String(format: "%.4g", x), String(format: "%.4g", y), String(format: "%.1f", x / max(y, 1e-30))]
        })]
        return result
    }
}
