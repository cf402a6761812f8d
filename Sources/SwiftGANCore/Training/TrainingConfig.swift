import Foundation
import SwiftGANEngine

/// Everything that defines a training run. A JSON file can give any subset of the fields
/// (`swiftgan train --config run.json`); command-line flags override it; the run directory
/// keeps the resolved whole as `config.json`.
public struct TrainingConfig: Codable, Sendable, Equatable {
    // What to train on.
    public var model: GANModelKind = .mlp
    /// `mnist`, `fashion-mnist`, or for the toy model `ring8`, `grid25`.
    public var dataset: String = "mnist"
    /// Where the IDX files are; the dataset's default location when nil.
    public var dataDirectory: String?
    public var steps: Int = 5000
    public var batchSize: Int = 64
    public var seed: UInt64 = 0

    // The objective and the optimizers (TTUR: separate learning rates).
    public var loss: GANLoss = .nonSaturating
    public var learningRateD: Float = 2e-4
    public var learningRateG: Float = 1e-4
    public var beta1: Float = 0.5
    public var beta2: Float = 0.999
    /// Discriminator steps per generator step.
    public var discriminatorSteps: Int = 1

    // Stabilizers.
    /// λ of the gradient penalty on interpolates; 0 means the loss's default (10 for `wgan-gp`,
    /// none otherwise).
    public var gradientPenaltyWeight: Float = 0
    /// γ of R1 (real data) and R2 (fakes); 0 for off.
    public var r1Gamma: Float = 0
    public var r2Gamma: Float = 0
    /// Lazy regularization: R1/R2 every this many D steps, scaled by it.
    public var regularizationInterval: Int = 1
    /// Spectral normalization of every Linear and Conv2d layer of D.
    public var spectralNorm = false
    /// One-sided label smoothing: real targets 1 - this (BCE losses).
    public var labelSmoothing: Float = 0
    /// Instance noise: σ of Gaussian noise added to D's inputs, annealed linearly to 0.
    public var instanceNoise: Float = 0
    /// Steps over which instance noise anneals (the whole run when nil).
    public var instanceNoiseSteps: Int?
    /// Decay of an exponential moving average of G used for sampling; nil for none.
    public var emaDecay: Float?
    /// Past fakes kept to mix into D's batches; 0 for none.
    public var replayBufferSize: Int = 0
    public var replayFraction: Float = 0.5
    /// Architecture additions to D.
    public var minibatchStdDev = false
    public var minibatchDiscriminationKernels: Int = 0
    /// Unrolled GAN: look-ahead D steps for each G step; 0 for none.
    public var unrolledSteps: Int = 0

    // Output.
    public var sampleEvery: Int = 500
    public var logEvery: Int = 50
    public var checkpointEvery: Int = 1000
    /// Checkpoints kept under `checkpoints/` (older ones are deleted).
    public var keepCheckpoints: Int = 3
    public var sampleCount: Int = 64

    public init() {}

    /// The defaults with `loss` set.
    public init(loss: GANLoss) { self.loss = loss }

    /// λ of the gradient penalty in effect: the configured one, or 10 for WGAN-GP when none is set.
    public var effectiveGradientPenaltyWeight: Float {
        loss == .wganGP && gradientPenaltyWeight == 0 ? GANLoss.gradientPenaltyWeight : gradientPenaltyWeight
    }

    public var discriminatorOptions: DiscriminatorOptions {
        DiscriminatorOptions(minibatchStdDev: minibatchStdDev, minibatchDiscriminationKernels: minibatchDiscriminationKernels)
    }

    /// Checks the values a user can get wrong, with a message that names the field.
    public func validate() throws {
        func check(_ ok: Bool, _ message: String) throws { if !ok { throw ConfigError(message) } }
        try check(steps > 0, "steps must be positive, got \(steps)")
        try check(batchSize > 1, "batch size must be at least 2, got \(batchSize)")
        try check(sampleEvery > 0 && logEvery > 0 && checkpointEvery > 0, "sample, log and checkpoint intervals must be positive")
        try check(keepCheckpoints > 0, "keepCheckpoints must be positive")
        try check(learningRateD > 0 && learningRateG > 0, "learning rates must be positive")
        try check((0..<1).contains(beta1) && (0..<1).contains(beta2), "Adam betas must be in [0, 1)")
        try check(discriminatorSteps > 0, "discriminatorSteps must be positive")
        try check(gradientPenaltyWeight >= 0 && r1Gamma >= 0 && r2Gamma >= 0, "penalty weights must not be negative")
        try check(regularizationInterval > 0, "regularizationInterval must be positive")
        try check((0..<1).contains(labelSmoothing), "labelSmoothing must be in [0, 1)")
        try check(labelSmoothing == 0 || loss.usesBCETargets, "label smoothing applies to BCE losses (saturating, ns, ragan), not \(loss.rawValue)")
        try check(instanceNoise >= 0, "instanceNoise must not be negative")
        try check(emaDecay.map { (0..<1).contains($0) } ?? true, "emaDecay must be in [0, 1)")
        try check(replayBufferSize >= 0 && (0...1).contains(replayFraction), "replay buffer size >= 0, fraction in [0, 1]")
        try check(minibatchDiscriminationKernels >= 0 && unrolledSteps >= 0, "counts must not be negative")
        try check(minibatchDiscriminationKernels == 0 || model.takesFlatImages,
                  "minibatch discrimination needs a flat-feature discriminator (mlp or toy), not \(model.rawValue)")
        try check(sampleCount > 1, "sample count must be at least 2")
        try check(model == .toy ? ToyDistribution(rawValue: dataset) != nil : ToyDistribution(rawValue: dataset) == nil,
                  "model \(model.rawValue) cannot train on dataset \(dataset)")
    }

    /// Reads a JSON configuration; fields it leaves out keep their defaults, unknown fields
    /// are an error (a typo would otherwise be silently ignored).
    public static func load(_ path: String) throws -> TrainingConfig {
        guard let data = FileManager.default.contents(atPath: path) else { throw ConfigError("\(path): no such file") }
        do {
            return try JSONDecoder().decode(TrainingConfig.self, from: data)
        } catch let error as ConfigError {
            throw ConfigError("\(path): \(error.description)")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.dataCorrupted(context) {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw ConfigError("\(path): \(field.isEmpty ? "" : "field '\(field)': ")\(context.debugDescription)")
        } catch {
            throw ConfigError("\(path): not a valid configuration (\(error))")
        }
    }

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case model, dataset, dataDirectory, steps, batchSize, seed, loss, learningRateD, learningRateG, beta1, beta2
        case discriminatorSteps, gradientPenaltyWeight, r1Gamma, r2Gamma, regularizationInterval, spectralNorm
        case labelSmoothing, instanceNoise, instanceNoiseSteps, emaDecay, replayBufferSize, replayFraction
        case minibatchStdDev, minibatchDiscriminationKernels, unrolledSteps
        case sampleEvery, logEvery, checkpointEvery, keepCheckpoints, sampleCount
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        let known = Set(CodingKeys.allCases.map(\.rawValue))
        if let unknown = c.allKeys.map(\.stringValue).first(where: { !known.contains($0) }) {
            throw ConfigError("unknown field '\(unknown)'")
        }
        self.init()
        func read<T: Decodable>(_ key: CodingKeys, _ value: inout T) throws {
            if let v = try c.decodeIfPresent(T.self, forKey: AnyKey(key.rawValue)) { value = v }
        }
        try read(.model, &model); try read(.dataset, &dataset)
        if let v = try c.decodeIfPresent(String.self, forKey: AnyKey("dataDirectory")) { dataDirectory = v }
        try read(.steps, &steps); try read(.batchSize, &batchSize); try read(.seed, &seed); try read(.loss, &loss)
        try read(.learningRateD, &learningRateD); try read(.learningRateG, &learningRateG)
        try read(.beta1, &beta1); try read(.beta2, &beta2); try read(.discriminatorSteps, &discriminatorSteps)
        try read(.gradientPenaltyWeight, &gradientPenaltyWeight); try read(.r1Gamma, &r1Gamma); try read(.r2Gamma, &r2Gamma)
        try read(.regularizationInterval, &regularizationInterval); try read(.spectralNorm, &spectralNorm)
        try read(.labelSmoothing, &labelSmoothing); try read(.instanceNoise, &instanceNoise)
        if let v = try c.decodeIfPresent(Int.self, forKey: AnyKey("instanceNoiseSteps")) { instanceNoiseSteps = v }
        if let v = try c.decodeIfPresent(Float.self, forKey: AnyKey("emaDecay")) { emaDecay = v }
        try read(.replayBufferSize, &replayBufferSize); try read(.replayFraction, &replayFraction)
        try read(.minibatchStdDev, &minibatchStdDev); try read(.minibatchDiscriminationKernels, &minibatchDiscriminationKernels)
        try read(.unrolledSteps, &unrolledSteps)
        try read(.sampleEvery, &sampleEvery); try read(.logEvery, &logEvery); try read(.checkpointEvery, &checkpointEvery)
        try read(.keepCheckpoints, &keepCheckpoints); try read(.sampleCount, &sampleCount)
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ s: String) { stringValue = s }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

/// A configuration value that cannot be used.
public struct ConfigError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
