import Foundation
import SwiftGANCore
import SwiftGANData
import SwiftGANEngine
import SwiftGANEvaluation
import SwiftGANImages

/// The practice lab: the classic GAN experiments (and the GAN-versus-VAE comparison) as
/// training runs on MNIST, each ending in numbers, plots and a conclusion checked against the
/// textbook claim (`ExperimentResult`). Runs live in `directory/runs/<name>`; a run already
/// there with the same settings is reused and an interrupted one is resumed, so experiments
/// share runs and a stopped lab continues where it stopped.
///
/// ```swift
/// let lab = try PracticeLab(directory: "practice", budget: .quick, seeds: 3)
/// let results = try lab.run(PracticeExperiment.allCases)
/// try lab.writeReport(results)   // practice/report.html
/// ```
public final class PracticeLab {
    public let directory: String
    public let budget: PracticeBudget
    public let seeds: Int
    /// Where MNIST is (nil: where `--dataset mnist` finds it).
    public let dataDirectory: String?
    /// Progress lines (a line per run and per measurement).
    public var progress: (String) -> Void = { _ in }
    let evaluator: EvaluatorNetwork
    let train: ImageDataset
    let test: ImageDataset
    private var realFeatureCache: [String: Tensor] = [:]

    public init(directory: String, budget: PracticeBudget, seeds: Int, dataDirectory: String? = nil) throws {
        guard (1...10).contains(seeds) else { throw PracticeError("--seeds must be in 1...10, got \(seeds)") }
        self.directory = directory
        self.budget = budget
        self.seeds = seeds
        self.dataDirectory = dataDirectory
        evaluator = try EvaluatorNetwork.pretrained(for: .mnist)
        train = try ImageDataset.load(.mnist, split: .train, directory: dataDirectory)
        test = try ImageDataset.load(.mnist, split: .test, directory: dataDirectory)
        try FileManager.default.createDirectory(atPath: directory + "/runs", withIntermediateDirectories: true)
    }

    /// Runs `experiments` in order, handing each result to `finished` as it comes, and returns
    /// them all.
    public func run(_ experiments: [PracticeExperiment], finished: (ExperimentResult) -> Void = { _ in }) throws -> [ExperimentResult] {
        try experiments.map { experiment in
            progress("experiment \(experiment.rawValue): \(experiment.title)")
            let result = try experiment.run(in: self)
            finished(result)
            return result
        }
    }

    /// The settings every lab run starts from: `model` on MNIST with the budget's logging.
    func config(_ model: String, steps: Int, seed: Int) throws -> TrainingConfig {
        var config = try TrainingConfig.defaults(for: model)
        config.dataset = "mnist"
        config.dataDirectory = dataDirectory
        config.steps = steps
        config.seed = UInt64(seed)
        config.logEvery = max(1, min(50, steps / 40))
        config.sampleEvery = steps
        config.checkpointEvery = max(1, steps / 4)
        config.keepCheckpoints = 5
        return config
    }

    /// A finished run of the lab.
    struct Run {
        let directory: String
        let config: TrainingConfig
        /// Whether it stopped on non-finite values.
        let diverged: Bool
        let records: [[String: Any]]

        var generatorWeights: String { directory + "/generator.safetensors" }
        /// The logged values of `key`, by step.
        func series(_ key: String) -> [(x: Double, y: Double)] {
            records.compactMap { r in
                guard r["eval"] == nil, let step = r["step"] as? Int, let v = (r[key] as? NSNumber)?.doubleValue else { return nil }
                return (Double(step), v)
            }
        }
        /// The alarms raised, by kind.
        var alarms: [String] { records.compactMap { $0["alarm"] as? String } }
    }

    /// Trains `config` in `runs/name`, or reuses the finished run there with the same settings,
    /// or resumes it when it stopped early.
    func train(_ name: String, _ config: TrainingConfig) throws -> Run {
        let path = directory + "/runs/" + name
        let status = path + "/practice-status.json"
        let saved = try? TrainingConfig.load(path + "/config.json")
        var resolved = config
        if let dir = config.dataDirectory, !dir.hasPrefix("/") { resolved.dataDirectory = URL(fileURLWithPath: dir).standardizedFileURL.path }
        if saved == resolved, let data = FileManager.default.contents(atPath: status),
           let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let diverged = object["diverged"] as? Bool {
            progress("  \(name): reused (finished earlier)")
            return Run(directory: path, config: resolved, diverged: diverged, records: JSONLinesLog.records(path + "/log.jsonl"))
        }
        let run: TrainingRun
        if saved == resolved, !Checkpoint.list(path + "/checkpoints").isEmpty {
            progress("  \(name): resuming")
            run = try TrainingRun(resuming: path)
        } else {
            progress("  \(name): \(config.model), \(config.steps) steps")
            run = try TrainingRun(config: resolved, directory: path, overwrite: true)
        }
        run.showProgress = false
        var diverged = false
        do {
            _ = try run.run()
        } catch let error as ConfigError where error.description.contains("non-finite") {
            diverged = true
            progress("  \(name): diverged (\(error.description))")
        }
        try Data("{\"diverged\": \(diverged)}\n".utf8).write(to: URL(fileURLWithPath: status))
        return Run(directory: path, config: resolved, diverged: diverged, records: JSONLinesLog.records(path + "/log.jsonl"))
    }

    /// Figures of a generator against real MNIST images.
    struct Figures {
        var fid: Double
        var precision: Double
        var recall: Double
        var modes: Int
    }

    /// Which real images a measurement compares with.
    enum Reference: String {
        /// The test split's first images.
        case test
        /// The training split's first images (what the generator was fitted to).
        case training
    }

    /// The evaluator features of the first `count` real images of `reference`.
    func realFeatures(_ reference: Reference, count: Int) -> Tensor {
        let key = "\(reference.rawValue)-\(count)"
        if let cached = realFeatureCache[key] { return cached }
        let collection = reference == .test ? test : train
        let features = evaluator.extract(from: collection, indices: Array(0..<min(count, collection.count))).features
        realFeatureCache[key] = features
        return features
    }

    /// Generates `count` images from the weights file at `path` (fixed latents) and measures FID,
    /// precision, recall and the evaluator's classes covered.
    func measure(_ path: String, count: Int, against reference: Reference = .test) throws -> Figures {
        let (_, generator) = try ModelRegistry.generator(forWeights: path, model: nil)
        var rng = RandomGenerator(seed: 0x5EED_E7A1)
        let images = try generator.generateAll(rng.normal([count, generator.latentDimension]), labels: nil)
        return try measure(images: images.reshaped([count, 1, 28, 28]), against: reference)
    }

    /// FID, precision, recall and classes covered of `images` ([n, 1, 28, 28]) against as many
    /// real images of `reference`.
    func measure(images: Tensor, against reference: Reference = .test) throws -> Figures {
        let (features, probabilities) = evaluator.extract(images)
        let report = try MetricReport.compare(real: realFeatures(reference, count: images.shape[0]), fake: features, metrics: [.fid, .pr])
        return Figures(fid: report.fid!, precision: report.precision!, recall: report.recall!,
                       modes: ClassStatistics.modes(probabilities: probabilities).modesCovered)
    }

    /// Precision and recall of real training images against other real training images: the
    /// best a generator can score (the first `count` against the next `count`).
    func realVersusReal(count: Int) throws -> (precision: Double, recall: Double) {
        let others = evaluator.extract(from: train, indices: Array(count..<min(2 * count, train.count))).features
        let report = try MetricReport.compare(real: realFeatures(.training, count: count), fake: others, metrics: [.pr])
        return (report.precision!, report.recall!)
    }

    /// A grid of `count` samples of the weights at `path`, 8 a row, scaled up 3 times (nearest
    /// neighbour).
    func sampleGrid(_ path: String, count: Int = 32) throws -> Data {
        let (_, generator) = try ModelRegistry.generator(forWeights: path, model: nil)
        var rng = RandomGenerator(seed: 7)
        let images = try generator.generateAll(rng.normal([count, generator.latentDimension]), labels: nil)
        return ImageGrid.png(withNoGrad { images.reshaped([count, 1, 28, 28]).upsample(scale: (3, 3)) }, columns: 8, padding: 6)
    }

    /// Writes `report.html` for `results` and returns its path.
    @discardableResult
    public func writeReport(_ results: [ExperimentResult], command: String) throws -> String {
        let path = directory + "/report.html"
        let html = PracticeReport.html(results: results, budget: budget, seeds: seeds, command: command)
        try Data(html.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        return path
    }
}
