import Foundation
import SwiftGANCore

/// Experiment 6: precision (the share of generated images that fall in the real data's
/// manifold: quality) and recall (the share of real images within the generated manifold:
/// coverage), Kynkäänniemi et al. with k = 3 in the evaluator's features, against the training
/// images, for three generators: experiment 1's at the end and a quarter of the way, and
/// experiment 4's (D at 1/10 of G's rate), seed 0 each. Each gets a diagnosis by the rule: a
/// precision (quality) problem when its precision is below 3/4 of the real data's own (training
/// images against other training images), a recall (coverage) problem likewise. The claim:
/// precision and recall separate quality from coverage. It agrees when some generator has
/// exactly one of the two problems and the generators' diagnoses differ, so that the two numbers
/// tell apart what one FID mixes.
enum PrecisionRecallExperiment {
    static let share = 0.75

    static func run(_ lab: PracticeLab) throws -> ExperimentResult {
        let n = lab.budget.evalSamples
        let minimal = try MinimalGANExperiment.runs(lab, seeds: 1)[0], slow = try SlowDiscriminatorExperiment.runs(lab, seeds: 1)[0]
        let early = minimal.config.checkpointEvery
        let generators = [
            ("minimal GAN, final (step \(minimal.config.steps))", minimal.generatorWeights),
            ("minimal GAN, step \(early)", minimal.directory + "/checkpoints/" + String(format: "step_%06d", early) + "/generator.safetensors"),
            ("D at 1/10 of G's rate (experiment 4), final", slow.generatorWeights),
        ].filter { FileManager.default.fileExists(atPath: $0.1) }
        let real = try lab.realVersusReal(count: n)
        var problems: [(precision: Bool, recall: Bool)] = []
        var rows: [[String]] = []
        for (name, path) in generators {
            let f = try lab.measure(path, count: n, against: .training)
            let problem = (precision: f.precision < share * real.precision, recall: f.recall < share * real.recall)
            problems.append(problem)
            rows.append([name, Stats.format(f.fid, 1), Stats.format(f.precision), Stats.format(f.recall), "\(f.modes)", diagnosis(problem)])
        }
        let differ = Set(problems.map { "\($0.precision)\($0.recall)" }).count > 1
        let agrees = differ && problems.contains { $0.precision != $0.recall }
        var result = ExperimentResult(
            .precisionRecall,
            figures: "real against real: precision \(Stats.format(real.precision)), recall \(Stats.format(real.recall)); "
                + zip(rows, problems).map { "\($0.0[0]): precision \($0.0[2]), recall \($0.0[3]) → \(diagnosis($0.1))" }.joined(separator: "; "),
            conclusion: agrees ? "The generators get different diagnoses from the same two numbers: precision tracks quality and recall coverage, which one FID mixes."
                : "The generators' diagnoses do not separate quality from coverage here (\(Set(problems.map(diagnosis)).sorted().joined(separator: "; "))).",
            agrees: generators.count < 2 ? nil : agrees,
            rule: String(format: "a precision problem when precision < %.2f × the real data's %.3f; a recall problem when recall < %.2f × its %.3f (k = 3 nearest neighbours, %d generated against %d training images); agrees when some generator has exactly one problem and the diagnoses differ",
                         share, real.precision, share, real.recall, n, n))
        result.tables = [.init(caption: "Against the training images", headers: ["generator", "FID", "precision", "recall", "digits", "diagnosis"], rows: rows)]
        return result
    }

    static func diagnosis(_ problem: (precision: Bool, recall: Bool)) -> String {
        switch (problem.precision, problem.recall) {
        case (true, true): "both: poor quality and poor coverage"
        case (true, false): "a precision problem: poor quality, good coverage"
        case (false, true): "a recall problem: good quality, poor coverage"
        case (false, false): "neither"
        }
    }
}
