import Foundation
import SwiftGANData
import SwiftGANEngine
import SwiftGANImages
import SwiftGANNN

/// A complete run: loads the data, trains for `config.steps`, and writes the run directory
/// (logs with diagnostics, sample grids or scatter plots, loss curve, checkpoints, report) as
/// it goes. Alarms (mode collapse, D winning, divergence) print with their evidence; a
/// non-finite loss stops the run at once with the last good checkpoint kept.
///
/// ```swift
/// var config = TrainingConfig(loss: .wganGP)
/// config.steps = 2000
/// let summary = try TrainingRun(config: config, directory: "runs/wgan").run()
/// let resumed = try TrainingRun(resuming: "runs/wgan", steps: 4000).run()
/// ```
public final class TrainingRun {
    public let config: TrainingConfig
    public let directory: RunDirectory
    public let trainer: GANTrainer
    /// Print progress and alarms.
    public var showProgress = true
    private var data: RealData
    private var alarms: TrainingAlarms
    private let startStep: Int

    public init(config: TrainingConfig, directory: String) throws {
        try config.validate()
        self.config = config
        data = try RealData(config: config)
        self.directory = try RunDirectory(path: directory)
        trainer = GANTrainer(config: config)
        alarms = TrainingAlarms()
        startStep = 0
        try? FileManager.default.removeItem(atPath: self.directory.file("checkpoints"))
    }

    /// Continues the run in `directory` from its newest checkpoint, with the configuration it
    /// saved (optionally more steps). The result is bitwise the run that never stopped.
    public init(resuming directory: String, steps: Int? = nil) throws {
        let run = try RunDirectory(path: directory)
        var config = try TrainingConfig.load(run.file("config.json"))
        if let steps { config.steps = steps }
        try config.validate()
        self.config = config
        self.directory = run
        data = try RealData(config: config)
        trainer = GANTrainer(config: config)
        let (dataState, savedAlarms) = try Checkpoint.restoreLatest(trainer, from: run.file("checkpoints"))
        try data.restore(dataState)
        alarms = savedAlarms
        startStep = trainer.stepCount
        guard startStep < config.steps else {
            throw ConfigError("\(directory): the run already has \(startStep) of \(config.steps) steps (pass --steps to extend it)")
        }
    }

    /// What a finished run reports.
    public struct Summary {
        public var steps: Int
        public var seconds: Double
        public var finalLossD: Float
        public var finalLossG: Float
        public var directory: String
        public var samplePath: String
        public var alarms: [TrainingAlarms.Alarm]
        /// The 2-D benchmarks' metrics at the end (toy model only).
        public var toyEvaluation: ToyDistribution.Evaluation?
    }

    public func run() throws -> Summary {
        try directory.writeConfig(config)
        let log = try JSONLinesLog(path: directory.file("log.jsonl"), keepingStepsUpTo: startStep)
        var history = JSONLinesLog.lossHistory(directory.file("log.jsonl"))
        var fixedRNG = RandomGenerator(seed: config.seed &+ 0xF1CED)
        let fixedZ = config.model.sampleLatents(config.sampleCount, generator: &fixedRNG)
        let reference = data.referenceSamples(config.sampleCount)
        if alarms.realDiversity == nil { alarms.realDiversity = Diversity.meanPairwiseDistance(reference) }
        let progress = ProgressLine(total: config.steps, start: startStep)
        var sampleFiles = (try? FileManager.default.contentsOfDirectory(atPath: directory.file("samples")))?
            .filter { $0.hasPrefix("step_") }.sorted().map { "samples/\($0)" } ?? []
        let start = Date()
        var last = StepStatistics(lossD: .nan, lossG: .nan, realScore: .nan, fakeScore: .nan)
        var toyEvaluation: ToyDistribution.Evaluation?
        var windowStart = Date(), windowSteps = 0

        for step in (startStep + 1)...config.steps {
            let logging = step % config.logEvery == 0 || step == config.steps
            last = trainer.step(diagnostics: logging) { data.nextBatch() }
            windowSteps += 1
            if !last.isFinite || logging {
                let panel = trainer.sample(fixedZ)
                let diversity = last.isFinite ? Diversity.meanPairwiseDistance(panel) : nil
                var record: [String: JSONLinesLog.Value] = [
                    "step": .number(Double(step)), "loss_d": .number(Double(last.lossD)), "loss_g": .number(Double(last.lossG)),
                    "d_real": .number(Double(last.realScore)), "d_fake": .number(Double(last.fakeScore)),
                    "steps_per_s": .number(Double(windowSteps) / max(Date().timeIntervalSince(windowStart), 1e-9)),
                    "epoch": .number(Double(data.epoch)),
                ]
                if let d = diversity { record["diversity"] = .number(Double(d)) }
                if let n = last.gradientNormD { record["grad_norm_d"] = .number(Double(n)) }
                if let n = last.gradientNormG { record["grad_norm_g"] = .number(Double(n)) }
                for (name, n) in last.layerGradientNormsD ?? [:] { record["grad_norm_d.\(name)"] = .number(Double(n)) }
                for (name, n) in last.layerGradientNormsG ?? [:] { record["grad_norm_g.\(name)"] = .number(Double(n)) }
                if trainer.instanceNoiseLevel > 0 { record["instance_noise"] = .number(Double(trainer.instanceNoiseLevel)) }
                log.append(record)
                history.append((step, last.lossD, last.lossG))
                windowStart = Date(); windowSteps = 0
                for alarm in alarms.check(step: step, stats: last, diversity: diversity, bceLoss: config.loss.usesBCETargets) {
                    log.append(["step": .number(Double(step)), "alarm": .text(alarm.kind.rawValue), "evidence": .text(alarm.evidence)])
                    if showProgress { FileHandle.standardError.write(Data((alarm.description + "\n").utf8)) }
                }
            }
            guard last.isFinite else {
                let kept = try Checkpoint.list(directory.file("checkpoints")).last
                    .map { "last good checkpoint: \(directory.file("checkpoints/\($0)"))" } ?? "no checkpoint was written yet"
                throw ConfigError("training stopped at step \(step): non-finite values (D loss \(last.lossD), G loss \(last.lossG)); \(kept)")
            }
            if step % config.sampleEvery == 0 || step == config.steps {
                let (name, evaluation) = try writeSamples(fixedZ: fixedZ, reference: reference, step: step)
                sampleFiles.append(name)
                if let evaluation {
                    toyEvaluation = evaluation
                    log.append(["step": .number(Double(step)), "modes_covered": .number(Double(evaluation.modesCovered)),
                                "high_quality": .number(evaluation.highQualityFraction)])
                }
            }
            if step % config.checkpointEvery == 0 || step == config.steps {
                try Checkpoint.save(trainer, data: data.state, alarms: alarms, in: directory.file("checkpoints"),
                                    keep: config.keepCheckpoints)
                try directory.saveWeights(trainer)
            }
            if showProgress {
                progress.update(step: step, fields: [("D", last.lossD), ("G", last.lossG), ("D(x)", last.realScore), ("D(G(z))", last.fakeScore)])
            }
        }
        let seconds = Date().timeIntervalSince(start)
        try writeReport(history: history, sampleFiles: sampleFiles, seconds: seconds, last: last, toy: toyEvaluation)
        return Summary(steps: config.steps, seconds: seconds, finalLossD: last.lossD, finalLossG: last.lossG,
                       directory: directory.path, samplePath: directory.file("samples/latest.png"),
                       alarms: alarms.raised, toyEvaluation: toyEvaluation)
    }

    /// A sample grid of the fixed panel (images), or a scatter plot of 1,000 generated (red) and
    /// 1,000 real (black) points with the toy metrics (2-D).
    private func writeSamples(fixedZ: Tensor, reference: Tensor, step: Int) throws -> (String, ToyDistribution.Evaluation?) {
        guard case .toy(let toy) = data.source else {
            let images = trainer.sample(fixedZ).reshaped([config.sampleCount] + config.model.imageShape)
            return (try directory.saveSamples(images, step: step), nil)
        }
        var rng = RandomGenerator(seed: config.seed &+ 0x70E)
        let generated = trainer.sample(config.model.sampleLatents(2500, generator: &rng))
        let real = toy.sample(1000, generator: &rng)
        // Generated points first, the real ones on top in black, so both stay visible.
        let png = ScatterPlot.png([.init(points: generated, limit: 1000, color: (214, 39, 40)),
                                   .init(points: real, color: (20, 20, 20))], extent: toy == .ring8 ? 3 : 6)
        let name = String(format: "samples/step_%06d.png", step)
        try AtomicFile.write(png, to: directory.file(name))
        try AtomicFile.write(png, to: directory.file("samples/latest.png"))
        return (name, toy.evaluate(generated))
    }

    private func writeReport(history: [(step: Int, d: Float, g: Float)], sampleFiles: [String], seconds: Double,
                             last: StepStatistics, toy: ToyDistribution.Evaluation?) throws {
        let plot = LinePlot(title: "\(config.model.rawValue) GAN on \(config.dataset): losses", xLabel: "step", series: [
            .init(name: "D loss", points: history.map { (Double($0.step), Double($0.d)) }, color: "#1f77b4"),
            .init(name: "G loss", points: history.map { (Double($0.step), Double($0.g)) }, color: "#d62728"),
        ]).svg()
        try AtomicFile.write(Data(plot.utf8), to: directory.file("loss_curve.svg"))
        let shown = sampleFiles.count <= 6 ? sampleFiles : Array(sampleFiles.prefix(2) + sampleFiles.suffix(4))
        let samples = try shown.map { ($0, try AtomicFile.read(directory.file($0))) }
        let configJSON = (try? String(contentsOfFile: directory.file("config.json"), encoding: .utf8)) ?? ""
        var summary: [(String, String)] = [
            ("steps", "\(config.steps)"), ("time (this session)", ProgressLine.duration(seconds)),
            ("final D loss", String(format: "%.4f", last.lossD)), ("final G loss", String(format: "%.4f", last.lossG)),
            ("final D(x)", String(format: "%.3f", last.realScore)), ("final D(G(z))", String(format: "%.3f", last.fakeScore)),
        ]
        if let toy {
            summary.append(("modes covered", "\(toy.modesCovered) of \(toy.modeCount)"))
            summary.append(("high-quality samples", String(format: "%.1f%%", 100 * toy.highQualityFraction)))
        }
        summary.append(("alarms", alarms.raised.isEmpty ? "none" : alarms.raised.map(\.description).joined(separator: "; ")))
        let html = RunReport.html(title: "SwiftGAN run: \(config.model.rawValue) on \(config.dataset)", configJSON: configJSON,
                                  summary: summary, lossCurveSVG: plot, samples: samples)
        try AtomicFile.write(Data(html.utf8), to: directory.file("report.html"))
    }
}
