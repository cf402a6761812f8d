import ArgumentParser
import Foundation
import SwiftGAN

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Train a GAN and write a run directory.")

    @Option(help: "The model: \(GANModelKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var model: GANModelKind = .mlp
    @Option(help: "mnist or fashion-mnist.")
    var dataset: String = "mnist"
    @Option(help: "Directory with the IDX files (default: the dataset's usual place).")
    var dataDir: String?
    @Option(help: "Training steps (one D step and one G step each).")
    var steps: Int = 5000
    @Option(help: "Batch size.")
    var batch: Int = 64
    @Option(help: "Random seed for weights, latents and data order.")
    var seed: UInt64 = 0
    @Option(help: "Generator loss: ns (non-saturating) or saturating.")
    var loss: GANLoss = .nonSaturating
    @Option(help: "Discriminator learning rate.")
    var lrD: Float = 2e-4
    @Option(help: "Generator learning rate.")
    var lrG: Float = 1e-4
    @Option(help: "Write a sample grid every N steps.")
    var sampleEvery: Int = 500
    @Option(help: "Log losses every N steps.")
    var logEvery: Int = 50
    @Option(help: "Save weights every N steps.")
    var checkpointEvery: Int = 1000
    @Option(help: "The run directory.")
    var out: String

    func run() throws {
        var config = TrainingConfig()
        config.model = model
        config.dataset = dataset
        config.dataDirectory = dataDir
        config.steps = steps
        config.batchSize = batch
        config.seed = seed
        config.loss = loss
        config.learningRateD = lrD
        config.learningRateG = lrG
        config.sampleEvery = sampleEvery
        config.logEvery = logEvery
        config.checkpointEvery = checkpointEvery
        let summary = try reportingErrors { try TrainingRun(config: config, directory: out).run() }
        print(String(format: "trained %d steps in %.1f s (%.1f steps/s); final D loss %.4f, G loss %.4f",
                     summary.steps, summary.seconds, Double(summary.steps) / summary.seconds,
                     summary.finalLossD, summary.finalLossG))
        print("run directory: \(summary.directory)")
        print("samples:       \(summary.samplePath)")
        print("loss curve:    \(summary.directory)/loss_curve.svg")
        print("report:        \(summary.directory)/report.html")
    }
}
