import Foundation
import SwiftGANCore
import SwiftGANData
import SwiftGANEngine
import SwiftGANEvaluation
import SwiftGANNN

/// The practice lab: the classic GAN experiments (and the GAN-versus-VAE comparison) as
/// training runs on MNIST, each ending in numbers, plots and a conclusion checked against the
/// textbook claim (`ExperimentResult`). Runs live in `directory/runs/<name>`; a run already
/// there with the same settings is reused and an interrupted one is resumed, so experiments
/// share runs and a stopped lab continues where it stopped.
///
/// ```swift
/// let lab = try PracticeLab(directory: "practice", budget: .quick, seeds: 3)
/// let results = lab.run(PracticeExperiment.allCases)
/// try lab.writeReport(command: "…")   // practice/report.html, every experiment run there
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
    let trainingImages: ImageDataset
    let testImages: ImageDataset
    var realFeatureCache: [String: Tensor] = [:]

    public init(directory: String, budget: PracticeBudget, seeds: Int, dataDirectory: String? = nil) throws {
        guard (1...10).contains(seeds) else { throw PracticeError("--seeds must be in 1...10, got \(seeds)") }
        self.directory = directory
        self.budget = budget
        self.seeds = seeds
        self.dataDirectory = dataDirectory
        evaluator = try EvaluatorNetwork.pretrained(for: .mnist)
        trainingImages = try ImageDataset.load(.mnist, split: .train, directory: dataDirectory)
        testImages = try ImageDataset.load(.mnist, split: .test, directory: dataDirectory)
        try FileManager.default.createDirectory(atPath: directory + "/runs", withIntermediateDirectories: true)
    }

    /// Runs `experiments` in order, saving each result in `directory/results` and handing it to
    /// `finished` as it comes. An experiment that fails gives a result that says why, and the
    /// others still run.
    @discardableResult
    public func run(_ experiments: [PracticeExperiment], finished: (ExperimentResult) -> Void = { _ in }) -> [ExperimentResult] {
        experiments.map { experiment in
            progress("experiment \(experiment.rawValue): \(experiment.title)")
            var result: ExperimentResult
            do { result = try experiment.run(in: self) } catch { result = ExperimentResult(failed: experiment, error) }
            do { try result.save(in: directory) } catch { progress("warning: \(directory)/results: cannot save (\(error))") }
            finished(result)
            return result
        }
    }

    /// Writes `report.html` with every experiment whose result is saved in `directory` and
    /// returns its path.
    @discardableResult
    public func writeReport(command: String) throws -> String {
        let path = directory + "/report.html"
        let html = PracticeReport.html(results: ExperimentResult.saved(in: directory), budget: budget, seeds: seeds, command: command)
        try Data(html.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        return path
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
        // The latest checkpoint is enough to resume; experiment 6 keeps experiment 1's earlier ones.
        config.keepCheckpoints = 1
        return config.withAbsoluteDataDirectory()
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
        /// Whether the divergence alarm was raised (a spike of a loss or gradient norm), which
        /// need not stop the run.
        var divergenceAlarm: Bool { alarms.contains(TrainingAlarms.Kind.divergence.rawValue) }
    }

    /// One run per seed of `model` for `steps`, named `<name>-s<seed>`, with `change` applied to
    /// each configuration.
    func trainSeeds(_ name: String, _ model: String, steps: Int, seeds count: Int? = nil,
                    _ change: (inout TrainingConfig) -> Void = { _ in }) throws -> [Run] {
        try (0..<(count ?? seeds)).map { seed in
            var config = try config(model, steps: steps, seed: seed)
            change(&config)
            return try train("\(name)-s\(seed)", config)
        }
    }

    /// Trains `config` in `runs/name`, or reuses the finished run there with the same settings,
    /// or resumes it when it stopped early. `runs/<name>.status.json` records a finished run's
    /// steps and whether it diverged; it is removed before any training.
    func train(_ name: String, _ config: TrainingConfig) throws -> Run {
        let path = directory + "/runs/" + name, statusPath = path + ".status.json"
        // How many checkpoints are kept changes no weight: a run kept differently is the same run.
        let same = (try? TrainingConfig.load(path + "/config.json")).map { saved in
            var saved = saved
            saved.keepCheckpoints = config.keepCheckpoints
            return saved
        } == config
        func finished(diverged: Bool) -> Run {
            Run(directory: path, config: config, diverged: diverged, records: JSONLinesLog.records(path + "/log.jsonl"))
        }
        let signature = try NetworkSignature(config)
        if same, let status = FileManager.default.contents(atPath: statusPath),
           let object = try? JSONSerialization.jsonObject(with: status) as? [String: Any],
           object["steps"] as? Int == config.steps, object["networks"] as? String == signature.text,
           let diverged = object["diverged"] as? Bool {
            progress("  \(name): reused (finished earlier)")
            return finished(diverged: diverged)
        }
        try? FileManager.default.removeItem(atPath: statusPath)
        var diverged = false
        let latest = Checkpoint.list(path + "/checkpoints").last?.step ?? 0
        // Whether the last checkpoint can be counted as finished or resumed (its files read once).
        let usable = same && latest > 0 && signature.fits(run: path)
        if usable && latest >= config.steps {
            progress("  \(name): finished earlier (its last checkpoint is step \(latest))")
        } else {
            let run: TrainingRun
            if usable {
                progress("  \(name): resuming from step \(latest)")
                run = try TrainingRun(resuming: path)
            } else {
                progress("  \(name): \(config.model), \(config.steps) steps")
                run = try TrainingRun(config: config, directory: path, overwrite: true)
            }
            // The step counter with its ETA, and any alarm, on standard error: standard output
            // holds the experiments' lines.
            run.progressStream = .standardError
            do {
                _ = try run.run()
            } catch let error as TrainingDiverged {
                diverged = true
                progress("  \(name): diverged (\(error))")
            }
        }
        let status: [String: Any] = ["steps": config.steps, "diverged": diverged, "networks": signature.text]
        try JSONSerialization.data(withJSONObject: status, options: [.sortedKeys]).write(to: URL(fileURLWithPath: statusPath))
        return finished(diverged: diverged)
    }

    /// The networks `config` builds today (the lab trains on MNIST), as the names of their
    /// weights files and the names and shapes of every tensor in them. A finished run is reused
    /// only while its networks still match: a change of architecture that no setting records (the
    /// DCGAN critic losing its batch norm under a gradient penalty) gives another signature, and
    /// the run is trained again.
    struct NetworkSignature: Equatable {
        let files: [String]
        let text: String

        init(_ config: TrainingConfig) throws {
            let trainer = try GANTrainer(config: config, data: DataShape(sample: [1, 28, 28], classCount: 10))
            let files = trainer.recipe.modelFiles
            self.init(files: files.map(\.name), states: files.map { $0.module.stateDict() })
        }

        init(files: [String], states: [[String: Tensor]]) {
            self.files = files
            text = zip(files, states).flatMap { file, state in
                state.keys.sorted().map { "\(file).\($0)\(state[$0]!.shape)" }
            }.joined(separator: ";")
        }

        /// Whether the run's latest checkpoint holds these networks, so that it can be resumed
        /// or counted as finished.
        func fits(run path: String) -> Bool {
            guard let latest = Checkpoint.list(path + "/checkpoints").last else { return false }
            let directory = path + "/checkpoints/" + latest.name
            let states = files.map { (try? Safetensors.read("\(directory)/\($0).safetensors")) ?? [:] }
            return !states.contains { $0.isEmpty } && Self(files: files, states: states) == self
        }
    }
}
