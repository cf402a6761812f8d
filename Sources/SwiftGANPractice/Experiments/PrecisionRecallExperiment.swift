import Foundation
import SwiftGANCore

/// Experiment 6: precision (the share of generated images that fall in the real data's
/// manifold: quality) and recall (the share of real images within the generated manifold:
/// coverage), Kynkäänniemi et al. with k = 3 in the evaluator's features, against the training
/// images, for three generators: experiment 1's at the end and a quarter of the way, and
/// experiment 4's (D at 1/10 of G's rate). Each gets a diagnosis by the rule: a precision
/// (quality) problem when its precision is below 3/4 of the real data's own (training images
/// against other training images), a recall (coverage) problem likewise. The claim: precision
/// and recall separate quality from coverage. It agrees when the generators get different
/// diagnoses, so that the two numbers tell apart what one FID mixes.
enum PrecisionRecallExperiment {
    static let share = 0.75

    static func run(_ lab: PracticeLab) throws -> ExperimentResult {
        let n = lab.budget.evalSamples
        let minimal = try lab.train("minimal-s0", lab.config("mlp", steps: lab.budget.minimalSteps, seed: 0))
        let slow = try SlowDiscriminatorExperiment.runs(lab)[0]
        let early = minimal.config.checkpointEvery
        let generators = [
            ("minimal GAN, final (step \(minimal.config.steps))", minimal.generatorWeights),
            ("minimal GAN, step \(early)", minimal.directory + "/checkpoints/" + String(format: "step_%06d", early) + "/generator.safetensors"),
            ("D at 1/10 of G's rate (experiment 4), final", slow.generatorWeights),
        ]
        let real = try lab.realVersusReal(count: n)
        var diagnoses: [String] = []
        var rows: [[String]] = []
        for (name, path) in generators {
            let f = try lab.measure(path, count: n, against: .training)
            let lowPrecision = f.precision < share * real.precision, lowRecall = f.recall < share * real.recall
            let diagnosis = switch (lowPrecision, lowRecall) {
            case (true, true): "both: poor quality and poor coverage"
            case (true, false): "a precision problem: poor quality, good coverage"
            case (false, true): "a recall problem: good quality, poor coverage"
            case (false, false): "neither"
            }
            diagnoses.append(diagnosis)
            rows.append([name, Stats.format(f.fid, 1), Stats.format(f.precision), Stats.format(f.recall), "\(f.modes)", diagnosis])
        }
        let agrees = Set(diagnoses).count > 1
        var result = ExperimentResult(
            id: "6", title: PracticeExperiment.precisionRecall.title,
            claim: "precision and recall separate quality from coverage",
            figures: "real against real: precision \(Stats.format(real.precision)), recall \(Stats.format(real.recall)); "
                + zip(rows, diagnoses).map { "\($0.0[0]): precision \($0.0[2]), recall \($0.0[3]) → \($0.1)" }.joined(separator: "; "),
            conclusion: agrees ? "The generators get different diagnoses from the same two numbers: precision tracks quality and recall coverage, which one FID mixes."
                : "All three generators got the same diagnosis (\(diagnoses[0])), so this run does not show the two apart.",
            agrees: agrees,
            rule: String(format: "a precision problem when precision < %.2f × the real data's %.3f; a recall problem when recall < %.2f × its %.3f (k = 3 nearest neighbours, %d generated against %d training images)",
                         share, real.precision, share, real.recall, n, n))
        result.tables = [.init(caption: "Against the training images", headers: ["generator", "FID", "precision", "recall", "digits", "diagnosis"], rows: rows)]
        return result
    }
}
