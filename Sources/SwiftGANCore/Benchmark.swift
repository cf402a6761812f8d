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
        var c = TrainingConfig()
        c.model = try ModelRegistry.family(named: name).name
        return c
    }
}

/// Times training steps the way the PyTorch peer benchmark does: random real data of the
/// model's shape, warm-up steps, then several timed windows; the median window's rate counts.
public enum TrainingBenchmark {
    public struct Result: Codable {
        public let model: String
        public let msPerStep: Double
        public let windows: [Double]
    }

    public static func run(model name: String, batchSize: Int = 64, warmup: Int = 20, windows: Int = 5,
                           windowSeconds: Double = 2) throws -> Result {
        precondition(batchSize > 0 && windows > 0 && windowSeconds > 0, "validated by the caller")
        var config = try BenchmarkSetup.config(name)
        config.batchSize = batchSize
        let family = try ModelRegistry.family(named: config.model)
        let trainer = try GANTrainer(config: config, data: family.defaultShape)
        var rng = RandomGenerator(seed: 123)
        func random() -> Tensor { rng.normal([batchSize] + family.defaultShape.sample).clamp(min: -1, max: 1) }
        let batch = family.layout == .images ? Batch(real: random()) : Batch(a: random(), b: random())
        for _ in 0..<warmup { trainer.step { batch } }
        var rates: [Double] = []
        for _ in 0..<windows {
            var n = 0
            let t0 = DispatchTime.now().uptimeNanoseconds
            var elapsed = 0.0
            repeat {
                trainer.step { batch }
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

    public static func run(model: GANModelKind, batch: Int, repetitions: Int? = nil) -> Result {
        var rng = RandomGenerator(seed: 0)
        let generator = model.makeGenerator(generator: &rng)
        generator.eval()
        let z = model.sampleLatents(batch, generator: &rng)
        var times: [Double] = []
        withNoGrad {
            for _ in 0..<20 { _ = generator(z) }
            for _ in 0..<(repetitions ?? (batch > 1 ? 30 : 300)) {
                let t0 = DispatchTime.now().uptimeNanoseconds
                _ = generator(z)
                times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
            }
        }
        return Result(model: model.rawValue, batch: batch, msPerBatch: times.sorted()[times.count / 2])
    }
}
