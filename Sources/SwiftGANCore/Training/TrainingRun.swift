import Foundation
import SwiftGANData
import SwiftGANEngine
import SwiftGANImages
import SwiftGANNN

/// A complete run of any model family: loads the data, trains for `config.steps`, and writes
/// the run directory (logs with diagnostics, sample panels or scatter plots, loss curve,
/// checkpoints, report) as it goes. Alarms (mode collapse, D winning, divergence) print with
/// their evidence; a non-finite loss stops the run at once with the last good checkpoint kept.
///
/// ```swift
/// var config = TrainingConfig(loss: .wganGP)
/// config.steps = 2000
/// let summary = try TrainingRun(config: config, directory: "runs/wgan").run()
/// let resumed = try TrainingRun(resuming: "runs/wgan") { $0.steps = 4000 }.run()
/// ```
public final class TrainingRun {
    public let config: TrainingConfig
    public let directory: RunDirectory
    public let trainer: GANTrainer
    public let data: TrainingData
    /// Print progress and alarms.
    public var showProgress = true
    /// Where the progress line goes (alarms always go to standard error).
    public var progressStream = ProgressLine.Stream.standardOutput
    /// Measures the generator every `config.evalEvery` steps (required when that is set; the
    /// `swiftgan` command sets the evaluator's, `EvaluatorMonitor`).
    public var monitor: (any TrainingMonitor)?
    private var alarms: TrainingAlarms
    private let startStep: Int
    /// Whether this process writes the run directory: always, except on the data-parallel
    /// ranks other than 0.
    public let writes: Bool

    /// Starts a new run in `directory`, which must be new, empty, or (with `overwrite`) an
    /// earlier run.
    public init(config given: TrainingConfig, directory: String, overwrite: Bool = false) throws {
        // The run must find its data again when resumed from another directory.
        var config = given.withAbsoluteDataDirectory()
        // Fix the annealing span now, so that a resumed, longer run anneals the same way.
        if config.instanceNoise > 0 && config.instanceNoiseSteps == nil { config.instanceNoiseSteps = config.steps }
        try config.validate()
        self.config = config
        data = try TrainingData(config: config, warn: Self.warn)
        trainer = try Self.makeTrainer(config, data)
        let group = DataParallel.current
        try group?.check(config, recipe: trainer.recipe)
        let writer = (group?.rank ?? 0) == 0
        writes = writer
        // Rank 0 creates the directory; the other ranks open it after that.
        let open = {
            writer ? try RunDirectory(creating: directory, config: config, overwrite: overwrite) : try RunDirectory(existing: directory)
        }
        self.directory = try group?.rankZeroFirst(open) ?? open()
        alarms = TrainingAlarms()
        startStep = 0
    }

    /// Continues the run in `directory` from its newest checkpoint, with the configuration it
    /// saved as changed by `change` (more steps, say). Without changes to the training settings
    /// the result is bitwise the run that never stopped.
    public init(resuming directory: String, change: (inout TrainingConfig) throws -> Void = { _ in }) throws {
        let group = DataParallel.current
        writes = (group?.rank ?? 0) == 0
        let run = try group?.rankZeroFirst { try RunDirectory(existing: directory) } ?? RunDirectory(existing: directory)
        var config = try TrainingConfig.load(run.file("config.json"))
        let saved = config
        try change(&config)
        guard config.model == saved.model else {
            throw ConfigError("\(directory): the run trains \(saved.model); --model cannot change on --resume (start a new run)")
        }
        guard config.preset == saved.preset else {
            throw ConfigError("\(directory): the run was started \(saved.preset.map { "with --preset \($0)" } ?? "without a preset"); --preset cannot change on --resume (give changed settings as flags)")
        }
        guard config.ensemble == saved.ensemble else {
            throw ConfigError("\(directory): the run trains an ensemble of \(saved.ensemble); --ensemble cannot change on --resume (start a new run)")
        }
        guard config.trainImages == saved.trainImages else {
            throw ConfigError("\(directory): the run trains on \(saved.trainImages.map { "the first \($0)" } ?? "all the") training images; --train-images cannot change on --resume")
        }
        try config.validate()
        self.config = config
        self.directory = run
        data = try TrainingData(config: config, warn: Self.warn)
        trainer = try Self.makeTrainer(config, data)
        try group?.check(config, recipe: trainer.recipe)
        if let (dataState, savedAlarms) = try Checkpoint.restoreLatest(trainer, from: run.file("checkpoints"), warn: Self.warn) {
            try data.restore(dataState)
            alarms = savedAlarms
        } else {
            // Stopped before its first checkpoint: the same run from the start.
            Self.warn("\(directory): no checkpoint was written yet; starting from step 0")
            alarms = TrainingAlarms()
        }
        startStep = trainer.stepCount
        guard startStep < config.steps else {
            throw ConfigError("\(directory): the run already has \(startStep) steps of \(config.steps) (pass a larger --steps to extend it)")
        }
    }

    /// Continues a run with `steps` as its new total (nil: the saved total).
    public convenience init(resuming directory: String, steps: Int?) throws {
        try self.init(resuming: directory) { config in if let steps { config.steps = steps } }
    }

    private static func makeTrainer(_ config: TrainingConfig, _ data: TrainingData) throws -> GANTrainer {
        let family = try ModelRegistry.family(named: config.model)
        guard family.layout == data.layout else {
            throw ConfigError("model \(config.model) trains on \(family.layout.description); dataset \(data.name) holds \(data.layout.description)")
        }
        return try GANTrainer(config: config, data: data.shape)
    }

    private static func warn(_ message: String) {
        FileHandle.standardError.write(Data("warning: \(message)\n".utf8))
    }

    /// What a finished run reports.
    public struct Summary {
        /// The step the run ended at.
        public var steps: Int
        /// Whether it ended before `config.steps`, asked to stop.
        public var stopped: Bool
        public var seconds: Double
        public var finalLossD: Float
        public var finalLossG: Float
        public var directory: String
        public var samplePath: String
        public var alarms: [TrainingAlarms.Alarm]
        /// The 2-D benchmarks' metrics at the end (toy data only).
        public var toyEvaluation: ToyDistribution.Evaluation?
    }

    /// The real data's diversity measured as the panel's is: within classes for a panel grouped
    /// by class (nil when the reference batch has no labels or no class with two samples).
    static func realDiversity(_ target: Tensor, labels: Tensor?, like panel: Panel) -> Float? {
        let flat = target.reshaped([target.shape[0], -1])
        guard panel.groups != nil else { return Diversity.meanPairwiseDistance(flat) }
        guard let labels else { return nil }
        let classes = ConditionalGANRecipe.indices(labels)
        guard Set(classes).count < classes.count else { return nil }
        return Diversity.meanPairwiseDistance(flat, groups: classes)
    }

    /// Trains to `config.steps`, or until `shouldStop` (asked after every step) says so: then
    /// the step just finished gets a checkpoint, the weights and the report, and the summary
    /// says the run stopped early (`StopSignals` asks it on SIGINT and SIGTERM).
    public func run(stoppingWhen shouldStop: () -> Bool = { false }) throws -> Summary {
        if writes { try directory.writeConfig(config) }
        let recipe = trainer.recipe
        let adversarial = try ModelRegistry.family(named: config.model).isAdversarial
        let group = DataParallel.current
        let log = writes ? try JSONLinesLog(path: directory.file("log.jsonl"), keepingStepsUpTo: startStep) : nil
        let logged = JSONLinesLog.records(directory.file("log.jsonl"))
        var history = JSONLinesLog.lossHistory(logged)
        var measurements = MeasurementHistory(records: logged)
        if config.evalEvery > 0 && writes && monitor == nil {
            throw ConfigError("--eval-every needs a TrainingMonitor: set TrainingRun.monitor (the swiftgan command sets the evaluator's)")
        }
        var fixedRNG = RandomGenerator(seed: config.seed &+ 0xF1CED)
        let reference = data.referenceBatch(config.sampleCount)
        let fixed = recipe.panelInputs(count: config.sampleCount, reference: reference, generator: &fixedRNG)
        if alarms.realDiversity == nil, let target = reference.real ?? reference.b {
            alarms.realDiversity = Self.realDiversity(target, labels: reference.labels, like: recipe.panel(fixed))
        }
        let progress = ProgressLine(total: config.steps, start: startStep, to: progressStream)
        var sampleFiles = (try? FileManager.default.contentsOfDirectory(atPath: directory.file("samples")))?
            .filter { $0.hasPrefix("step_") }.sorted().map { "samples/\($0)" } ?? []
        let start = Date()
        var last = StepStatistics(lossD: .nan, lossG: .nan, realScore: .nan, fakeScore: .nan)
        var toyEvaluation: ToyDistribution.Evaluation?
        var windowStart = Date(), windowSteps = 0
        var finalStep = config.steps

        for step in (startStep + 1)...config.steps {
            let logging = step % config.logEvery == 0 || step == config.steps
            last = trainer.step(diagnostics: logging) { data.nextBatch() }
            if let group { last = group.averaged(last) }
            windowSteps += 1
            if !last.isFinite || logging {
                let diversity = last.isFinite ? recipe.panel(fixed).diversity : nil
                try log?.append(record(step: step, stats: last, diversity: diversity,
                                  stepsPerSecond: Double(windowSteps) / max(Date().timeIntervalSince(windowStart), 1e-9)))
                history.append((step, last.lossD, last.lossG))
                windowStart = Date(); windowSteps = 0
                for alarm in alarms.check(step: step, stats: last, diversity: diversity, bceLoss: config.loss.usesBCETargets && adversarial) {
                    try log?.append(["step": .number(Double(step)), "alarm": .text(alarm.kind.rawValue), "evidence": .text(alarm.evidence)])
                    if showProgress && writes { FileHandle.standardError.write(Data((alarm.description + "\n").utf8)) }
                }
            }
            guard last.isFinite else {
                let kept = Checkpoint.list(directory.file("checkpoints")).last
                    .map { "last good checkpoint: \(directory.file("checkpoints/\($0.name)"))" } ?? "no checkpoint was written yet"
                throw TrainingDiverged(step: step, lossD: last.lossD, lossG: last.lossG, kept: kept)
            }
            if writes && (step % config.sampleEvery == 0 || step == config.steps) {
                let (name, evaluation) = try writePanel(fixed, step: step)
                sampleFiles.append(name)
                if let evaluation {
                    toyEvaluation = evaluation
                    try log?.append(["step": .number(Double(step)), "modes_covered": .number(Double(evaluation.modesCovered)),
                                "high_quality": .number(evaluation.highQualityFraction)])
                }
            }
            if writes, let monitor, config.evalEvery > 0, step % config.evalEvery == 0 || step == config.steps {
                let figures = try monitor.measure(recipe, data: data, step: step)
                measurements.append(step: step, figures)
                var record: [String: JSONLinesLog.Value] = ["step": .number(Double(step)), "eval": .number(1)]
                for (name, value) in figures { record[name] = .number(value) }
                try log?.append(record)
                if showProgress { FileHandle.standardError.write(Data("step \(step): \(Self.describe(figures)) (\(monitor.description))\n".utf8)) }
            }
            let stopping = step < config.steps && (group.map { $0.any(shouldStop()) } ?? shouldStop())
            if writes && (step % config.checkpointEvery == 0 || step == config.steps || stopping) {
                try Checkpoint.save(trainer, data: data.state, alarms: alarms, in: directory.file("checkpoints"),
                                    keep: config.keepCheckpoints)
                try directory.saveWeights(trainer)
            }
            if showProgress && writes {
                // A model without D (the VAE) shows its loss and the terms it reports instead.
                progress.update(step: step, fields: trainer.family.isAdversarial
                    ? [("D", last.lossD), ("G", last.lossG), ("D(x)", last.realScore), ("D(G(z))", last.fakeScore)]
                    : [("loss", last.lossG)] + last.losses.sorted { $0.key < $1.key }.map { ($0.key.replacingOccurrences(of: "loss_", with: ""), $0.value) })
            }
            if stopping { finalStep = step; break }
        }
        let seconds = Date().timeIntervalSince(start)
        if writes {
            try writeReport(history: history, sampleFiles: sampleFiles, seconds: seconds, step: finalStep, last: last, toy: toyEvaluation,
                            measurements: measurements)
        }
        return Summary(steps: finalStep, stopped: finalStep < config.steps, seconds: seconds, finalLossD: last.lossD, finalLossG: last.lossG,
                       directory: directory.path, samplePath: directory.file("samples/latest.png"),
                       alarms: alarms.raised, toyEvaluation: toyEvaluation)
    }

    /// One log record: the losses by name, D's mean outputs, the gradient norms of every model
    /// (total and per layer; `grad_norm_d` and `grad_norm_g` for the watched pair), the panel's
    /// diversity and the speed.
    private func record(step: Int, stats: StepStatistics, diversity: Float?, stepsPerSecond: Double) -> [String: JSONLinesLog.Value] {
        var record: [String: JSONLinesLog.Value] = [
            "step": .number(Double(step)), "loss_d": .number(Double(stats.lossD)), "loss_g": .number(Double(stats.lossG)),
            "d_real": .number(Double(stats.realScore)), "d_fake": .number(Double(stats.fakeScore)),
            "steps_per_s": .number(stepsPerSecond), "epoch": .number(Double(data.epoch)),
        ]
        for (name, value) in stats.losses { record[name] = .number(Double(value)) }
        if let d = diversity { record["diversity"] = .number(Double(d)) }
        if let n = stats.gradientNormD { record["grad_norm_d"] = .number(Double(n)) }
        if let n = stats.gradientNormG { record["grad_norm_g"] = .number(Double(n)) }
        for (model, n) in stats.gradientNorms { record["grad_norm.\(model)"] = .number(Double(n)) }
        for (model, layers) in stats.layerGradientNorms {
            for (layer, n) in layers { record["grad_norm.\(model).\(layer)"] = .number(Double(n)) }
        }
        for (name, value) in stats.extra { record[name] = .number(Double(value)) }
        for o in trainer.recipe.optimizers where o.schedule != .constant {
            record["lr.\(o.name)"] = .number(Double(o.optimizer.learningRate))
        }
        return record
    }

    /// The panel of the fixed inputs as an image grid, or for 2-D data a scatter plot of 1,000
    /// generated (red) and 1,000 real (black) points with the toy metrics.
    private func writePanel(_ fixed: PanelInputs, step: Int) throws -> (String, ToyDistribution.Evaluation?) {
        let recipe = trainer.recipe
        let target: ToyDistribution
        switch data.source {
        case .toy(let toy): target = toy
        case .toyUnpaired(_, let b): target = b
        default:
            let panel = recipe.panel(fixed)
            return (try directory.savePanel(ImageGrid.png(panel.images, columns: panel.columns,
                                                                   provenance: Provenance(model: config.model, step: step)), step: step), nil)
        }
        var rng = RandomGenerator(seed: config.seed &+ 0x70E)
        let generated = recipe.panel(recipe.panelInputs(count: 2500, reference: data.referenceBatch(2500), generator: &rng)).generated
        let real = target.sample(1000, generator: &rng)
        // Generated points first, the real ones on top in black, so both stay visible.
        let png = ScatterPlot.png([.init(points: generated, limit: 1000, color: (214, 39, 40)),
                                   .init(points: real, color: (20, 20, 20))], extent: target == .ring8 ? 3 : 6)
        return (try directory.savePanel(png, step: step), target.evaluate(generated))
    }

    /// Figures as "FID 45.20, precision 0.610, recall 0.550, modes 10" (an ensemble's members'
    /// figures are left to the plots and the log).
    static func describe(_ figures: [String: Double]) -> String {
        let order = ["fid", "precision", "recall", "modes"]
        return figures.sorted { (order.firstIndex(of: $0.key) ?? order.count, $0.key) < (order.firstIndex(of: $1.key) ?? order.count, $1.key) }
            .filter { !$0.key.contains(".") }
            .map { name, value in
                switch name {
                case "fid": String(format: "FID %.2f", value)
                case "modes": "modes \(Int(value))"
                default: String(format: "%@ %.3f", name, value)
                }
            }.joined(separator: ", ")
    }

    /// The plots of the training-time measurements: FID, precision and recall, and modes
    /// covered, each with every series of that figure (an ensemble's members too).
    private func measurementPlots(_ m: MeasurementHistory) -> [String] {
        let palette = ["#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#7f7f7f"]
        let names = Set(m.figures.flatMap(\.keys)).sorted { ($0.contains(".") ? 1 : 0, $0) < ($1.contains(".") ? 1 : 0, $1) }
        let against = monitor?.description ?? "evaluator"
        let groups: [(title: String, suffixes: [String])] = [("FID during training (\(against))", ["fid"]),
                                                              ("precision and recall during training", ["precision", "recall"]),
                                                              ("evaluator classes covered during training", ["modes"])]
        return groups.compactMap { title, suffixes in
            let shown = names.filter { name in suffixes.contains { name == $0 || name.hasSuffix("." + $0) } }
            guard !shown.isEmpty, !m.steps.isEmpty else { return nil }
            return LinePlot(title: title, xLabel: "step", series: shown.enumerated().map { i, name in
                .init(name: name, points: m.series(name), color: palette[i % palette.count])
            }).svg()
        }
    }

    private func writeReport(history: [(step: Int, d: Float, g: Float)], sampleFiles: [String], seconds: Double, step: Int,
                             last: StepStatistics, toy: ToyDistribution.Evaluation?, measurements: MeasurementHistory) throws {
        let plot = LinePlot(title: "\(config.model) on \(data.name): losses", xLabel: "step", series: [
            .init(name: "D loss", points: history.map { (Double($0.step), Double($0.d)) }, color: "#1f77b4"),
            .init(name: "G loss", points: history.map { (Double($0.step), Double($0.g)) }, color: "#d62728"),
        ]).svg()
        try AtomicFile.write(Data(plot.utf8), to: directory.file("loss_curve.svg"))
        let shown = sampleFiles.count <= 6 ? sampleFiles : Array(sampleFiles.prefix(2) + sampleFiles.suffix(4))
        let samples = try shown.map { ($0, try AtomicFile.read(directory.file($0))) }
        let configJSON = (try? String(contentsOfFile: directory.file("config.json"), encoding: .utf8)) ?? ""
        var summary: [(String, String)] = []
        if let final = measurements.figures.last, let at = measurements.steps.last {
            summary.append(("measured at step \(at)", "\(Self.describe(final)) (\(monitor?.description ?? "evaluator"))"))
        }
        summary += [
            ("steps", step == config.steps ? "\(step)" : "\(step) of \(config.steps) (stopped; --resume continues it)"), ("time (this session)", ProgressLine.duration(seconds)),
        ]
        summary += trainer.family.isAdversarial ? [
            ("final D loss", String(format: "%.4f", last.lossD)), ("final G loss", String(format: "%.4f", last.lossG)),
            ("final D(x)", String(format: "%.3f", last.realScore)), ("final D(G(z))", String(format: "%.3f", last.fakeScore)),
        ] : [("final loss", String(format: "%.4f", last.lossG))]
        for (name, value) in last.losses.sorted(by: { $0.key < $1.key }) { summary.append(("final \(name)", String(format: "%.4f", value))) }
        if let toy {
            summary.append(("modes covered", "\(toy.modesCovered) of \(toy.modeCount)"))
            summary.append(("high-quality samples", String(format: "%.1f%%", 100 * toy.highQualityFraction)))
        }
        summary.append(("alarms", alarms.raised.isEmpty ? "none" : alarms.raised.map(\.description).joined(separator: "; ")))
        let html = RunReport.html(title: "SwiftGAN run: \(config.model) on \(data.name)", configJSON: configJSON,
                                  summary: summary, lossCurveSVG: plot, measurementSVGs: measurementPlots(measurements), samples: samples)
        try AtomicFile.write(Data(html.utf8), to: directory.file("report.html"))
    }
}

/// A run stopped because a step gave non-finite values; the last good checkpoint is kept.
public struct TrainingDiverged: Error, CustomStringConvertible {
    public let step: Int
    public let lossD: Float
    public let lossG: Float
    /// Which checkpoint is kept ("last good checkpoint: …", or that none was written yet).
    public let kept: String
    public var description: String { "training stopped at step \(step): non-finite values (D loss \(lossD), G loss \(lossG)); \(kept)" }
}
