import Foundation

/// What one experiment of the practice lab found: its numbers, its conclusion, whether that
/// agrees with the textbook claim it tests, and what the report shows of it. Each result is
/// kept as `OUT/results/<id>.json`, so the report shows every experiment run in `OUT`, however
/// many calls that took.
public struct ExperimentResult: Codable {
    public let id: String
    public let title: String
    /// The textbook claim the experiment tests.
    public let claim: String
    /// The measured numbers, in one line.
    public var figures: String
    public var conclusion: String
    /// Whether the numbers agree with the claim; nil when the experiment could not decide
    /// (it failed, or needs more seeds).
    public var agrees: Bool?
    /// How the conclusion was decided from the numbers.
    public var rule: String
    public var plots: [String] = []
    public var tables: [Table] = []
    public var images: [Image] = []
    /// Why the experiment stopped, when it failed.
    public var failure: String?

    public struct Table: Codable {
        public let caption: String
        public let headers: [String]
        public let rows: [[String]]
    }

    public struct Image: Codable {
        public let caption: String
        public let png: Data
    }

    /// The result of an experiment that stopped with `error`.
    init(failed experiment: PracticeExperiment, _ error: Error) {
        (id, title, claim) = (experiment.rawValue, experiment.title, experiment.claim)
        figures = "failed: \(error)"
        failure = "\(error)"
        conclusion = "The experiment could not be completed."
        agrees = nil
        rule = "none: no numbers"
    }

    init(_ experiment: PracticeExperiment, figures: String, conclusion: String, agrees: Bool?, rule: String) {
        (id, title, claim) = (experiment.rawValue, experiment.title, experiment.claim)
        (self.figures, self.conclusion, self.agrees, self.rule) = (figures, conclusion, agrees, rule)
    }

    /// "agrees", "does not agree" or "undecided".
    public var verdict: String {
        switch agrees {
        case true?: "agrees"
        case false?: "does not agree"
        case nil: "undecided"
        }
    }

    /// The line the command prints: numbers, conclusion, and the verdict on the claim.
    public var line: String {
        let judged = switch agrees {
        case true?: "agrees with the textbook claim:"
        case false?: "does not agree with the textbook claim:"
        case nil: "cannot judge the textbook claim:"
        }
        return "[\(id)] \(title): \(figures). \(conclusion) — \(judged) \(claim)"
    }

    static func path(_ id: String, in directory: String) -> String { "\(directory)/results/\(id).json" }

    func save(in directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory + "/results", withIntermediateDirectories: true)
        try JSONEncoder().encode(self).write(to: URL(fileURLWithPath: Self.path(id, in: directory)), options: .atomic)
    }

    /// The results saved in `directory`, in the experiments' order (unreadable ones skipped).
    static func saved(in directory: String) -> [ExperimentResult] {
        PracticeExperiment.allCases.compactMap { experiment in
            FileManager.default.contents(atPath: path(experiment.rawValue, in: directory))
                .flatMap { try? JSONDecoder().decode(ExperimentResult.self, from: $0) }
        }
    }
}
