import Foundation
import SwiftGANData
import SwiftGANEngine
import SwiftGANImages
import SwiftGANNN

/// A complete run: loads the data, trains for `config.steps`, and writes the run directory
/// (logs, sample grids, loss curve, checkpoints, report) as it goes.
///
/// ```swift
/// var config = TrainingConfig()
/// config.steps = 2000
/// let summary = try TrainingRun(config: config, directory: "runs/mlp").run()
/// ```
public final class TrainingRun {
    public let config: TrainingConfig
    public let directory: RunDirectory
    public let trainer: GANTrainer
    /// Print progress to standard output.
    public var showProgress = true

    public init(config: TrainingConfig, directory: String) throws {
        try config.validate()
        self.config = config
        self.directory = try RunDirectory(path: directory)
        trainer = GANTrainer(config: config)
    }

    /// What a finished run reports.
    public struct Summary {
        public var steps: Int
        public var seconds: Double
        public var finalLossD: Float
        public var finalLossG: Float
        public var directory: String
        public var samplePath: String
    }

    public func run() throws -> Summary {
        guard let known = ImageDataset.Known(rawValue: config.dataset) else {
            throw ConfigError("unknown dataset '\(config.dataset)' (choose from \(ImageDataset.Known.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let data = try ImageDataset.load(known, split: .train, directory: config.dataDirectory)
        guard data.imageShape == config.model.imageShape else {
            throw ConfigError("\(config.dataset) has images of shape \(data.imageShape); model \(config.model.rawValue) makes \(config.model.imageShape)")
        }
        guard config.batchSize <= data.count else { throw ConfigError("batch size \(config.batchSize) exceeds the \(data.count) training images") }
        try directory.writeConfig(config)
        let log = try JSONLinesLog(path: directory.file("log.jsonl"))
        var sampler = BatchSampler(datasetCount: data.count, batchSize: config.batchSize, seed: config.seed &+ 0xDA7A)
        var fixedRNG = RandomGenerator(seed: config.seed &+ 0xF1CED)
        let fixedZ = config.model.sampleLatents(config.sampleCount, generator: &fixedRNG)
        let progress = ProgressLine(total: config.steps)
        var history: [(step: Int, d: Float, g: Float)] = []
        var sampleFiles: [String] = []
        let start = Date()
        var last = StepStatistics(lossD: .nan, lossG: .nan, realScore: .nan, fakeScore: .nan)
        var windowStart = Date(), windowSteps = 0

        for step in 1...config.steps {
            let real = sampler.nextBatch(from: data, flatten: config.model.takesFlatImages)
            last = trainer.step(real: real)
            windowSteps += 1
            guard last.lossD.isFinite && last.lossG.isFinite else {
                throw ConfigError("training diverged at step \(step): D loss \(last.lossD), G loss \(last.lossG); the last checkpoint in \(directory.path) is kept")
            }
            if step % config.logEvery == 0 || step == config.steps {
                let rate = Double(windowSteps) / max(Date().timeIntervalSince(windowStart), 1e-9)
                log.append(["step": Double(step), "loss_d": Double(last.lossD), "loss_g": Double(last.lossG),
                            "d_real": Double(last.realScore), "d_fake": Double(last.fakeScore),
                            "steps_per_s": rate, "epoch": Double(sampler.epoch)])
                history.append((step, last.lossD, last.lossG))
                windowStart = Date(); windowSteps = 0
            }
            if step % config.sampleEvery == 0 || step == config.steps {
                let images = trainer.sample(fixedZ).reshaped([config.sampleCount] + config.model.imageShape)
                sampleFiles.append(try directory.saveSamples(images, step: step))
            }
            if step % config.checkpointEvery == 0 || step == config.steps {
                try directory.saveCheckpoint(generator: trainer.generator, discriminator: trainer.discriminator, step: step)
            }
            if showProgress {
                progress.update(step: step, fields: [("D", last.lossD), ("G", last.lossG), ("D(x)", last.realScore), ("D(G(z))", last.fakeScore)])
            }
        }
        let seconds = Date().timeIntervalSince(start)
        try writeReport(history: history, sampleFiles: sampleFiles, seconds: seconds, last: last)
        return Summary(steps: config.steps, seconds: seconds, finalLossD: last.lossD, finalLossG: last.lossG,
                       directory: directory.path, samplePath: directory.file("samples/latest.png"))
    }

    private func writeReport(history: [(step: Int, d: Float, g: Float)], sampleFiles: [String],
                             seconds: Double, last: StepStatistics) throws {
        let plot = LinePlot(title: "\(config.model.rawValue) GAN on \(config.dataset): losses", xLabel: "step", series: [
            .init(name: "D loss", points: history.map { (Double($0.step), Double($0.d)) }, color: "#1f77b4"),
            .init(name: "G loss", points: history.map { (Double($0.step), Double($0.g)) }, color: "#d62728"),
        ]).svg()
        try AtomicFile.write(Data(plot.utf8), to: directory.file("loss_curve.svg"))
        let shown = sampleFiles.count <= 6 ? sampleFiles : Array(sampleFiles.prefix(2) + sampleFiles.suffix(4))
        let samples = try shown.map { ($0, try AtomicFile.read(directory.file($0))) }
        let configJSON = (try? String(contentsOfFile: directory.file("config.json"), encoding: .utf8)) ?? ""
        let html = RunReport.html(
            title: "SwiftGAN run: \(config.model.rawValue) on \(config.dataset)", configJSON: configJSON,
            summary: [("steps", "\(config.steps)"), ("time", ProgressLine.duration(seconds)),
                      ("steps/s", String(format: "%.1f", Double(config.steps) / max(seconds, 1e-9))),
                      ("final D loss", String(format: "%.4f", last.lossD)), ("final G loss", String(format: "%.4f", last.lossG)),
                      ("final D(x)", String(format: "%.3f", last.realScore)), ("final D(G(z))", String(format: "%.3f", last.fakeScore))],
            lossCurveSVG: plot, samples: samples)
        try AtomicFile.write(Data(html.utf8), to: directory.file("report.html"))
    }
}
