import ArgumentParser
import Foundation
import SwiftGAN

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a GAN and write a run directory.",
        discussion: """
        A JSON file (--config) can set any field of the configuration; flags override it, and the run
        directory keeps the resolved whole as config.json. --resume RUN continues a stopped run from its
        newest checkpoint, bitwise as if it had never stopped.
        """)

    @Option(help: "A JSON configuration file.")
    var config: String?
    @Option(help: "Continue the run in this directory from its newest checkpoint.")
    var resume: String?
    @Option(help: "The model: \(GANModelKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var model: GANModelKind?
    @Option(help: "mnist, fashion-mnist, or for --model toy: ring8, grid25.")
    var dataset: String?
    @Option(help: "Directory with the IDX files (default: the dataset's usual place).")
    var dataDir: String?
    @Option(help: "Training steps (D steps and one G step each).")
    var steps: Int?
    @Option(help: "Batch size.")
    var batch: Int?
    @Option(help: "Random seed for weights, latents and data order.")
    var seed: UInt64?
    @Option(help: "The loss: \(GANLoss.allCases.map(\.rawValue).joined(separator: ", ")).")
    var loss: GANLoss?
    @Option(help: "Discriminator learning rate.")
    var lrD: Float?
    @Option(help: "Generator learning rate.")
    var lrG: Float?
    @Option(help: "Adam β1 for both optimizers.")
    var beta1: Float?
    @Option(help: "Adam β2 for both optimizers.")
    var beta2: Float?
    @Option(help: "Discriminator steps per generator step.")
    var dSteps: Int?
    @Option(help: "Gradient penalty weight λ (default 10 with --loss wgan-gp).")
    var gradientPenalty: Float?
    @Option(help: "R1 penalty γ (on real data).")
    var r1: Float?
    @Option(help: "R2 penalty γ (on fakes).")
    var r2: Float?
    @Option(help: "Apply R1/R2 every N D steps, scaled by N (lazy regularization).")
    var regularizationInterval: Int?
    @Flag(help: "Spectral normalization on every layer of D.")
    var spectralNorm = false
    @Option(help: "One-sided label smoothing: real targets 1 - this.")
    var labelSmoothing: Float?
    @Option(help: "Instance noise σ, annealed linearly to 0 over the run.")
    var instanceNoise: Float?
    @Option(help: "Decay of an exponential moving average of G used for samples (e.g. 0.999).")
    var ema: Float?
    @Option(help: "Size of a replay buffer of past fakes mixed into D's batches.")
    var replayBuffer: Int?
    @Flag(help: "Add a minibatch standard deviation layer to D.")
    var minibatchStddev = false
    @Option(help: "Add minibatch discrimination with this many kernels to D (mlp, toy).")
    var minibatchDiscrimination: Int?
    @Option(help: "Unrolled GAN: look-ahead D steps per G step.")
    var unrolled: Int?
    @Option(help: "Write a sample grid every N steps.")
    var sampleEvery: Int?
    @Option(help: "Log losses and diagnostics every N steps.")
    var logEvery: Int?
    @Option(help: "Save a checkpoint every N steps.")
    var checkpointEvery: Int?
    @Option(help: "Checkpoints to keep.")
    var keepCheckpoints: Int?
    @Option(help: "The run directory.")
    var out: String?

    func validate() throws {
        if resume == nil && out == nil { throw ValidationError("give --out RUN (or --resume RUN)") }
        if resume != nil {
            // A resumed run keeps its saved configuration: any other option would be ignored.
            let given = Mirror(reflecting: self).children.filter { child in
                guard let label = child.label, !["_resume", "_steps"].contains(label) else { return false }
                let value = Mirror(reflecting: child.value).children.first?.value
                if let flag = value as? Bool { return flag }
                return value.map { Mirror(reflecting: $0).displayStyle != .optional || Mirror(reflecting: $0).children.count > 0 } ?? false
            }
            if !given.isEmpty {
                throw ValidationError("--resume continues with the run's saved configuration; only --steps may be given with it")
            }
        }
    }

    /// The configuration file (or the defaults) with every given flag applied.
    func resolvedConfig() throws -> TrainingConfig {
        var c = try config.map(TrainingConfig.load) ?? TrainingConfig()
        func set<T>(_ value: T?, _ path: WritableKeyPath<TrainingConfig, T>) { if let value { c[keyPath: path] = value } }
        set(model, \.model); set(dataset, \.dataset); set(steps, \.steps); set(batch, \.batchSize); set(seed, \.seed)
        set(loss, \.loss); set(lrD, \.learningRateD); set(lrG, \.learningRateG); set(beta1, \.beta1); set(beta2, \.beta2); set(dSteps, \.discriminatorSteps)
        set(gradientPenalty, \.gradientPenaltyWeight); set(r1, \.r1Gamma); set(r2, \.r2Gamma)
        set(regularizationInterval, \.regularizationInterval); set(labelSmoothing, \.labelSmoothing)
        set(instanceNoise, \.instanceNoise); set(replayBuffer, \.replayBufferSize)
        set(minibatchDiscrimination, \.minibatchDiscriminationKernels); set(unrolled, \.unrolledSteps)
        set(sampleEvery, \.sampleEvery); set(logEvery, \.logEvery); set(checkpointEvery, \.checkpointEvery)
        set(keepCheckpoints, \.keepCheckpoints)
        if let dataDir { c.dataDirectory = dataDir }
        if let ema { c.emaDecay = ema }
        if spectralNorm { c.spectralNorm = true }
        if minibatchStddev { c.minibatchStdDev = true }
        return c
    }

    func run() throws {
        let summary = try reportingErrors {
            let run = try resume.map { try TrainingRun(resuming: $0, steps: steps) }
                ?? TrainingRun(config: resolvedConfig(), directory: out!)
            return try run.run()
        }
        print(String(format: "trained to step %d in %.1f s; final D loss %.4f, G loss %.4f",
                     summary.steps, summary.seconds, summary.finalLossD, summary.finalLossG))
        if let toy = summary.toyEvaluation {
            print(String(format: "modes covered: %d of %d; high-quality samples: %.1f%%", toy.modesCovered, toy.modeCount,
                         100 * toy.highQualityFraction))
        }
        if !summary.alarms.isEmpty { print("alarms: \(summary.alarms.count) (see log.jsonl and report.html)") }
        print("run directory: \(summary.directory)")
        print("samples:       \(summary.samplePath)")
        print("loss curve:    \(summary.directory)/loss_curve.svg")
        print("report:        \(summary.directory)/report.html")
    }
}
