import SwiftGANEngine

/// Everything that defines a training run. Saved as `config.json` in the run directory.
public struct TrainingConfig: Codable, Sendable, Equatable {
    public var model: GANModelKind = .mlp
    /// `mnist` or `fashion-mnist`.
    public var dataset: String = "mnist"
    /// Where the IDX files are; the dataset's default location when nil.
    public var dataDirectory: String?
    public var steps: Int = 5000
    public var batchSize: Int = 64
    public var seed: UInt64 = 0
    public var loss: GANLoss = .nonSaturating
    public var learningRateD: Float = 2e-4
    public var learningRateG: Float = 1e-4
    public var beta1: Float = 0.5
    public var beta2: Float = 0.999
    /// Write a fixed-z sample grid every this many steps.
    public var sampleEvery: Int = 500
    /// Append a line to `log.jsonl` every this many steps.
    public var logEvery: Int = 50
    /// Save the weights every this many steps.
    public var checkpointEvery: Int = 1000
    /// Images in the sample grid.
    public var sampleCount: Int = 64

    public init() {}

    /// Checks the values a user can get wrong, with a message that names the field.
    public func validate() throws {
        func check(_ ok: Bool, _ message: String) throws { if !ok { throw ConfigError(message) } }
        try check(steps > 0, "steps must be positive, got \(steps)")
        try check(batchSize > 0, "batch size must be positive, got \(batchSize)")
        try check(sampleEvery > 0 && logEvery > 0 && checkpointEvery > 0, "sample, log and checkpoint intervals must be positive")
        try check(learningRateD > 0 && learningRateG > 0, "learning rates must be positive")
        try check((0..<1).contains(beta1) && (0..<1).contains(beta2), "Adam betas must be in [0, 1)")
        try check(sampleCount > 0, "sample count must be positive")
    }
}

/// A configuration value that cannot be used.
public struct ConfigError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
