import Foundation
import SwiftGANEngine

/// The training setups `swiftgan bench` times: every model `train` knows by its name, and
/// `wgangp`, the MLP GAN as WGAN-GP (5 critic steps with the double-backward penalty and one
/// generator step count as one step), as the PyTorch peer benchmark names it.
public enum BenchmarkSetup {
    public static var names: [String] { ModelRegistry.names + ["wgangp"] }

    /// The configuration timed for `name`.
    public static func config(_ name: String) throws -> TrainingConfig {
        if name == "wgangp" {
            var c = TrainingConfig(loss: .wganGP)
            c.discriminatorSteps = 5
            return c
        }
        var config = try TrainingConfig.defaults(for: name)
        // torch_zoo_step.py leaves StyleGAN's lazy R1 (1 step in 16) out of its timing; so do we.
        if name == "stylegan" { config.r1Gamma = 0 }
        return config
    }
}

/// Times training steps the way the PyTorch peer benchmark does: random real data of the
/// model's shape, warm-up steps, then several timed windows; the median window's rate counts.
public enum TrainingBenchmark {
    public struct Result: Codable {
        public let model: String
        public let msPerStep: Double
        public let windows: [Double]
        /// With real data: the mean time a step waited for its batch (gathering it inline, or
        /// collecting the one prepared on the other thread).
        public var msWaitingForData: Double?
    }

    /// Times `name`'s training step on one fixed batch of random data of the family's shape
    /// (with `diffAugment`'s policies on D's inputs when given).
    public static func run(model name: String, batchSize: Int = 64, diffAugment: String? = nil, warmup: Int = 20, windows: Int = 5,
                           windowSeconds: Double = 2) throws -> Result {
        var config = try BenchmarkSetup.config(name)
        config.batchSize = batchSize
        config.diffAugment = diffAugment
        let family = try ModelRegistry.family(named: config.model)
        try config.validateDiffAugment(family: family)
        let trainer = try GANTrainer(config: config, data: family.defaultShape)
        var rng = RandomGenerator(seed: 123)
        func random() -> Tensor { rng.normal([batchSize] + family.defaultShape.sample).clamp(min: -1, max: 1) }
        let labels = Tensor((0..<batchSize).map { Float($0 % max(1, family.defaultShape.classCount)) })
        let batch = family.layout == .images ? Batch(real: random(), labels: labels) : Batch(a: random(), b: random())
        return time(name, trainer, warmup: warmup, windows: windows, windowSeconds: windowSeconds) { batch }
    }

    /// Times `name`'s training step on real batches from `data` (as `train` draws them),
    /// gathering each next batch on another thread or not: what the overlap saves. The time a
    /// step waits for its batch is the figure to compare (step times vary more than it).
    public static func run(model name: String, data config: TrainingConfig, prefetch: Bool, warmup: Int = 20, windows: Int = 5,
                           windowSeconds: Double = 2) throws -> Result {
        var config = config
        config.model = try BenchmarkSetup.config(name).model
        try config.validateDiffAugment(family: ModelRegistry.family(named: config.model))
        let data = try TrainingData(config: config, warn: { _ in })
        data.prefetch = prefetch
        let trainer = try GANTrainer(config: config, data: data.shape)
        var waited: UInt64 = 0, batches = 0
        var result = time(name, trainer, warmup: warmup, windows: windows, windowSeconds: windowSeconds) {
            let t0 = DispatchTime.now().uptimeNanoseconds
            defer { waited += DispatchTime.now().uptimeNanoseconds - t0; batches += 1 }
            return data.nextBatch()
        }
        result.msWaitingForData = Double(waited) / 1e6 / Double(max(batches, 1))
        return result
    }

    private static func time(_ name: String, _ trainer: GANTrainer, warmup: Int, windows: Int, windowSeconds: Double,
                             batch: () -> Batch) -> Result {
        for _ in 0..<warmup { trainer.step(nextBatch: batch) }
        var rates: [Double] = []
        for _ in 0..<windows {
            var n = 0
            let t0 = DispatchTime.now().uptimeNanoseconds
            var elapsed = 0.0
            repeat {
                trainer.step(nextBatch: batch)
                n += 1
                elapsed = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
            } while elapsed < windowSeconds
            rates.append(Double(n) / elapsed)
        }
        let median = rates.sorted()[rates.count / 2]
        return Result(model: name, msPerStep: 1000 / median, windows: rates.map { 1000 / $0 })
    }
}

/// Times the generator's inference as the PyTorch peer `torch_sample.py` does: evaluation mode,
/// no recording, one fixed z, 20 warm-up calls, then the median of timed calls.
public enum SamplingBenchmark {
    public struct Result: Codable {
        public let model: String
        public let batch: Int
        public let msPerBatch: Double
        public var imagesPerSecond: Double { Double(batch) / msPerBatch * 1000 }
    }

    /// Times the generator of the family called `model` (its default architecture).
    public static func run(model: String, batch: Int, repetitions: Int? = nil) throws -> Result {
        let family = try ModelRegistry.family(named: model)
        guard let make = family.makeGenerator else { throw ConfigError("model \(model) has no latent generator to time") }
        let generator = try make([:])
        generator.eval()
        var rng = RandomGenerator(seed: 0)
        let z = rng.normal([batch, generator.latentDimension])
        let labels = generator.classCount > 0 ? (0..<batch).map { $0 % generator.classCount } : nil
        var times: [Double] = []
        withNoGrad {
            for _ in 0..<20 { _ = generator.generate(z, labels: labels) }
            for _ in 0..<(repetitions ?? (batch > 1 ? 30 : 300)) {
                let t0 = DispatchTime.now().uptimeNanoseconds
                _ = generator.generate(z, labels: labels)
                times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
            }
        }
        return Result(model: model, batch: batch, msPerBatch: times.sorted()[times.count / 2])
    }
}

/// Measures what one tensor operation costs on the Swift side: chains of elementwise ops on
/// tiny tensors, where the kernels themselves take a few nanoseconds, so the time is graph
/// recording, allocation, shape checks and reference counting.
public enum OperationOverheadBenchmark {
    public struct Result: Codable {
        /// Elements per tensor.
        public let size: Int
        /// Microseconds per op without recording (no-grad mode).
        public let forwardMicroseconds: Double
        /// Microseconds per op recorded for autograd (forward only).
        public let recordedMicroseconds: Double
        /// Microseconds per op recorded, then differentiated (its backward rule included).
        public let forwardBackwardMicroseconds: Double
    }

    /// Times chains of `length` ops (add, multiply, tanh in turn) on tensors of `size` elements;
    /// the median of `repetitions` chains counts.
    public static func run(size: Int = 8, length: Int = 3000, repetitions: Int = 15) -> Result {
        var rng = RandomGenerator(seed: 7)
        let x = rng.normal([size]), c = rng.normal([size])
        func chain(_ start: Tensor) -> Tensor {
            var y = start
            for i in 0..<length {
                switch i % 3 {
                case 0: y = y + c
                case 1: y = y * c
                default: y = y.tanh()
                }
            }
            return y
        }
        func median(_ body: () -> Void) -> Double {
            body()  // warm-up: the storage pool fills
            var times: [Double] = []
            for _ in 0..<repetitions {
                let t0 = DispatchTime.now().uptimeNanoseconds
                body()
                times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e3 / Double(length))
            }
            return times.sorted()[times.count / 2]
        }
        let forward = median { withNoGrad { _ = chain(x) } }
        let leaf = x.detached()
        leaf.requiresGrad = true
        let recorded = median { _ = chain(leaf) }
        let both = median { _ = grad(of: chain(leaf).sum(), wrt: [leaf]) }
        return Result(size: size, forwardMicroseconds: forward, recordedMicroseconds: recorded, forwardBackwardMicroseconds: both)
    }
}
