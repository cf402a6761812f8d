import Foundation
import SwiftGANEngine
import SwiftGANNN

/// Everything that defines a training run. Each setting is declared once, in `fields` (its JSON
/// key, flag and help); a JSON file can give any subset of them (`swiftgan train --config
/// run.json`), flags override it, and the run directory keeps the resolved whole as
/// `config.json`. A model family's own settings (`ModelFamily.options`) live in `options`.
public struct TrainingConfig: Sendable, Equatable {
    // What to train on.
    public var model = "mlp"
    /// A preset of settings over the model's defaults (`TrainingPreset`), or nil.
    public var preset: String?
    /// A built-in dataset name, `folder`, or nil: detected from `dataDirectory` (images or IDX
    /// files), MNIST when there is none.
    public var dataset: String?
    public var dataDirectory: String?
    public var channels: Int?
    public var resolution: Int?
    /// Train on the first this many training images only (nil: all).
    public var trainImages: Int?
    public var steps = 5000
    public var batchSize = 64
    public var seed: UInt64 = 0

    // The objective and the optimizers (TTUR: separate learning rates).
    public var loss: GANLoss = .nonSaturating
    public var learningRateD: Float = 2e-4
    public var learningRateG: Float = 1e-4
    public var beta1: Float = 0.5
    public var beta2: Float = 0.999
    /// The step from which learning rates decay linearly to 0 at the last step; nil: constant
    /// (a recipe may set its own default, as CycleGAN's half-way decay).
    public var decayLearningRateFrom: Int?
    public var discriminatorSteps = 1

    // Stabilizers.
    public var gradientPenaltyWeight: Float = 0
    public var r1Gamma: Float = 0
    public var r2Gamma: Float = 0
    public var regularizationInterval = 1
    public var spectralNorm = false
    /// Under mpirun: batch-norm statistics over the whole global batch (all ranks).
    public var syncBatchNorm = false
    public var labelSmoothing: Float = 0
    public var instanceNoise: Float = 0
    /// Steps over which instance noise anneals; fixed to the run's first `steps` when the run
    /// starts, so a resumed, longer run anneals the same way.
    public var instanceNoiseSteps: Int?
    public var emaDecay: Float?
    public var replayBufferSize = 0
    public var replayFraction: Float = 0.5
    public var minibatchStdDev = false
    public var minibatchDiscriminationKernels = 0
    /// Normalization between a DCGAN discriminator's convolutions; nil: none under a gradient
    /// penalty on interpolates, batch norm otherwise (`effectiveDiscriminatorNormalization`).
    public var discriminatorNormalization: DiscriminatorNormalization?
    public var unrolledSteps = 0
    /// β of BigGAN's orthogonal regularization of G's weights (`OrthogonalRegularization`).
    public var orthogonalRegularization: Float = 0
    /// DiffAugment policies applied to every image D sees, a comma list (nil or "" is none).
    public var diffAugment: String?

    // Output.
    public var sampleEvery = 500
    public var logEvery = 50
    public var checkpointEvery = 1000
    public var keepCheckpoints = 3
    public var sampleCount = 64
    /// Generators trained side by side and sampled as a mixture (1: one GAN); see `EnsembleRecipe`.
    public var ensemble = 1
    /// Measure FID, precision and recall every this many steps (0: never); see `TrainingMonitor`.
    public var evalEvery = 0
    /// Generated (and real) images per training-time measurement.
    public var evalSamples = 2000
    /// An evaluator network file for training-time measurement (nil: the shipped one of the dataset).
    public var evaluatorFile: String?

    /// The model family's own settings, by key (see `ModelFamily.options`).
    public var options: [String: JSONValue] = [:]

    /// The settings every run has, in the order `--help` lists them.
    public static let fields: [ConfigField] = [
        ConfigField("model", \.model, help: "The model (see the list below)."),
        ConfigField("preset", \.preset, help: "A preset of settings over the model's defaults (see PRESETS); a config file and flags override it."),
        ConfigField("dataset", \.dataset, help: "A dataset (see DATASETS); default: detected from --data-dir."),
        ConfigField("dataDirectory", \.dataDirectory, flag: "data-dir", help: "IDX files or an image folder (see DATASETS)."),
        ConfigField("channels", \.channels, help: "Image channels of a folder: 1 or 3 (default: the images' own)."),
        ConfigField("resolution", \.resolution, help: "Resize and center-crop folder images to this side (default: their size)."),
        ConfigField("trainImages", \.trainImages, help: "Train on the first N training images only (limited-data runs; default: all)."),
        ConfigField("steps", \.steps, help: "Training steps (D steps and one G step each)."),
        ConfigField("batchSize", \.batchSize, flag: "batch", help: "Batch size."),
        ConfigField("seed", \.seed, help: "Random seed for weights, latents and data order."),
        ConfigField("loss", \.loss, help: "The adversarial loss: \(GANLoss.allCases.map(\.rawValue).joined(separator: ", "))."),
        ConfigField("learningRateD", \.learningRateD, flag: "lr-d", help: "Discriminator learning rate."),
        ConfigField("learningRateG", \.learningRateG, flag: "lr-g", help: "Generator learning rate."),
        ConfigField("beta1", \.beta1, help: "Adam β1."),
        ConfigField("beta2", \.beta2, help: "Adam β2."),
        ConfigField("decayLearningRateFrom", \.decayLearningRateFrom, flag: "lr-decay-from", help: "Decay learning rates linearly to 0 from this step."),
        ConfigField("discriminatorSteps", \.discriminatorSteps, flag: "d-steps", help: "Discriminator steps per generator step."),
        ConfigField("gradientPenaltyWeight", \.gradientPenaltyWeight, flag: "gradient-penalty", help: "Gradient penalty λ on interpolates (0: 10 with wgan-gp, else none)."),
        ConfigField("r1Gamma", \.r1Gamma, flag: "r1", help: "R1 penalty γ (real data)."),
        ConfigField("r2Gamma", \.r2Gamma, flag: "r2", help: "R2 penalty γ (fakes)."),
        ConfigField("regularizationInterval", \.regularizationInterval, help: "Apply R1/R2 every N D steps, scaled by N (lazy regularization)."),
        ConfigField("spectralNorm", \.spectralNorm, help: "Spectral normalization on every layer of D."),
        ConfigField("syncBatchNorm", \.syncBatchNorm, help: "Under mpirun: batch-norm statistics over the whole global batch (all ranks), not each rank's rows."),
        ConfigField("labelSmoothing", \.labelSmoothing, help: "One-sided label smoothing: real targets 1 - this (BCE losses)."),
        ConfigField("instanceNoise", \.instanceNoise, help: "Instance noise σ on D's inputs, annealed linearly to 0."),
        ConfigField("instanceNoiseSteps", \.instanceNoiseSteps, help: "Steps over which instance noise anneals (default: the run's steps)."),
        ConfigField("emaDecay", \.emaDecay, flag: "ema", help: "Decay of a moving average of G used for samples (e.g. 0.999)."),
        ConfigField("replayBufferSize", \.replayBufferSize, flag: "replay-buffer", help: "Past fakes kept to mix into D's batches."),
        ConfigField("replayFraction", \.replayFraction, help: "Share of each fake batch taken from the replay buffer."),
        ConfigField("minibatchStdDev", \.minibatchStdDev, flag: "minibatch-stddev", help: "Add a minibatch standard deviation layer to D."),
        ConfigField("minibatchDiscriminationKernels", \.minibatchDiscriminationKernels, flag: "minibatch-discrimination", help: "Minibatch discrimination kernels in D (mlp, toy)."),
        ConfigField("discriminatorNormalization", \.discriminatorNormalization, flag: "d-norm",
                    help: "Between the DCGAN discriminator's convolutions: batch or none (default: none under a gradient penalty, as WGAN-GP prescribes; batch otherwise)."),
        ConfigField("unrolledSteps", \.unrolledSteps, flag: "unrolled", help: "Unrolled GAN: look-ahead D steps per G step."),
        ConfigField("orthogonalRegularization", \.orthogonalRegularization, flag: "orthogonal-reg",
                    help: "β of BigGAN's orthogonal regularization of G's weights (embeddings excluded)."),
        ConfigField("diffAugment", \.diffAugment, flag: "diffaugment", help: "DiffAugment policies for D's inputs, real and fake: a comma list of translation, cutout, color."),
        ConfigField("sampleEvery", \.sampleEvery, help: "Write a sample panel every N steps."),
        ConfigField("logEvery", \.logEvery, help: "Log losses and diagnostics every N steps."),
        ConfigField("checkpointEvery", \.checkpointEvery, help: "Save a checkpoint every N steps."),
        ConfigField("keepCheckpoints", \.keepCheckpoints, help: "Checkpoints to keep."),
        ConfigField("sampleCount", \.sampleCount, help: "Images in the sample panel."),
        ConfigField("ensemble", \.ensemble, help: "Train K GANs (seeds seed…seed+K-1) and sample their generators as one mixture."),
        ConfigField("evalEvery", \.evalEvery, help: "Measure FID, precision and recall with the evaluator every N steps and at the end (0: never)."),
        ConfigField("evalSamples", \.evalSamples, help: "Generated and real images per measurement (compare FIDs at equal n only)."),
        ConfigField("evaluatorFile", \.evaluatorFile, flag: "evaluator", help: "Evaluator network for --eval-every (default: the dataset's shipped one)."),
    ]

    public init() {}

    /// The defaults with `loss` set.
    public init(loss: GANLoss) { self.loss = loss }

    /// Every field of this configuration: the common ones and its model family's.
    public var allFields: [ConfigField] {
        Self.fields + ((try? ModelRegistry.family(named: model))?.options ?? [])
    }

    /// λ of the gradient penalty in effect: the configured one, or 10 for WGAN-GP when none is set.
    public var effectiveGradientPenaltyWeight: Float {
        loss == .wganGP && gradientPenaltyWeight == 0 ? GANLoss.gradientPenaltyWeight : gradientPenaltyWeight
    }

    /// The learning-rate schedule the settings ask for: linear decay from
    /// `decayLearningRateFrom` to 0 at the last step, or constant.
    public var learningRateSchedule: LearningRateSchedule {
        decayLearningRateFrom.map { .linearDecay(from: $0, until: steps) } ?? .constant
    }

    /// Adam over `parameters` with these settings' betas.
    public func adam(_ parameters: [Tensor], learningRate: Float) -> Adam {
        Adam(parameters: parameters, learningRate: learningRate, betas: (beta1, beta2))
    }

    public var discriminatorOptions: DiscriminatorOptions {
        DiscriminatorOptions(minibatchStdDev: minibatchStdDev, minibatchDiscriminationKernels: minibatchDiscriminationKernels,
                             batchNorm: effectiveDiscriminatorNormalization == .batch)
    }

    /// The normalization in D: the configured one, or none under a gradient penalty on
    /// interpolates (batch statistics would make each output depend on the whole batch) and
    /// batch norm otherwise.
    public var effectiveDiscriminatorNormalization: DiscriminatorNormalization {
        discriminatorNormalization ?? (effectiveGradientPenaltyWeight > 0 ? .unnormalized : .batch)
    }

    /// A recipe option's value (its declared default when unset).
    public func option<T: ConfigScalar>(_ key: String, as type: T.Type = T.self) -> T? {
        allFields.first { $0.key == key }.flatMap { T(json: $0.value(in: self)) }
    }

    /// Throws, naming the flag and the key, when one of the settings `keys` (weights of loss
    /// terms, mostly) is negative.
    public func requireNonNegative(_ keys: String...) throws {
        for key in keys {
            guard let field = allFields.first(where: { $0.key == key }), let value = Float(json: field.value(in: self)) else { continue }
            if value < 0 { throw ConfigError("--\(field.flag) [\(key)] must not be negative, got \(value)") }
        }
    }

    /// Checks the values a user can get wrong, with a message that names the field.
    public func validate() throws {
        let family = try ModelRegistry.family(named: model)
        let fields = allFields
        /// Fails with the setting's flag and JSON key, its rule and its value.
        func check(_ ok: Bool, _ key: String, _ rule: String) throws {
            guard !ok, let field = fields.first(where: { $0.key == key }) else { return }
            throw ConfigError("--\(field.flag) [\(key)] \(rule), got \(field.value(in: self))")
        }
        if let name = preset {
            let preset = try TrainingPreset.named(name)
            try check(preset.models.contains(model), "preset", "is tuned for --model \(preset.models.joined(separator: ", ")), not \(model)")
        }
        try check(steps > 0, "steps", "must be positive")
        try check(batchSize >= family.minimumBatchSize && batchSize <= 1 << 16, "batchSize", "must be in \(family.minimumBatchSize)...65536")
        for key in ["sampleEvery", "logEvery", "checkpointEvery", "keepCheckpoints", "discriminatorSteps", "regularizationInterval"] {
            try check((fields.first { $0.key == key }.flatMap { Int(json: $0.value(in: self)) } ?? 1) > 0, key, "must be positive")
        }
        try check(learningRateD > 0, "learningRateD", "must be positive (and not below float32's smallest number)")
        try check(learningRateG > 0, "learningRateG", "must be positive (and not below float32's smallest number)")
        try check((0..<1).contains(beta1), "beta1", "must be in [0, 1)")
        try check((0..<1).contains(beta2), "beta2", "must be in [0, 1)")
        try check(decayLearningRateFrom.map { $0 >= 0 } ?? true, "decayLearningRateFrom", "must not be negative")
        try check(gradientPenaltyWeight >= 0, "gradientPenaltyWeight", "must not be negative")
        try check(r1Gamma >= 0, "r1Gamma", "must not be negative")
        try check(r2Gamma >= 0, "r2Gamma", "must not be negative")
        try check((0..<1).contains(labelSmoothing), "labelSmoothing", "must be in [0, 1)")
        try check(labelSmoothing == 0 || loss.usesBCETargets, "labelSmoothing",
                  "applies to the BCE losses (saturating, ns, ragan), not \(loss.rawValue)")
        try check(instanceNoise >= 0, "instanceNoise", "must not be negative")
        try check(instanceNoiseSteps.map { $0 > 0 } ?? true, "instanceNoiseSteps", "must be positive")
        try check(emaDecay.map { (0..<1).contains($0) } ?? true, "emaDecay", "must be in [0, 1)")
        try check(replayBufferSize >= 0, "replayBufferSize", "must not be negative")
        try check((0...1).contains(replayFraction), "replayFraction", "must be in [0, 1]")
        try check(minibatchDiscriminationKernels >= 0, "minibatchDiscriminationKernels", "must not be negative")
        try check(unrolledSteps >= 0, "unrolledSteps", "must not be negative")
        try check(orthogonalRegularization >= 0, "orthogonalRegularization", "must not be negative")
        try check(sampleCount > 1 && sampleCount <= 1024, "sampleCount", "must be in 2...1024")
        try check(evalEvery >= 0, "evalEvery", "must not be negative")
        try check((1...GeneratorEnsemble.maximumMembers).contains(ensemble), "ensemble", "must be in 1...\(GeneratorEnsemble.maximumMembers)")
        if ensemble > 1 && family.makeGenerator == nil {
            throw ConfigError("--ensemble [ensemble] mixes generators of latents; model \(model) has none to mix")
        }
        try check(evalSamples >= 10 && evalSamples <= 100_000, "evalSamples", "must be in 10...100000")
        try check(channels.map { $0 == 1 || $0 == 3 } ?? true, "channels", "must be 1 or 3")
        try check(resolution.map { (4...1024).contains($0) } ?? true, "resolution", "must be in 4...1024")
        try check(trainImages.map { $0 >= 1 } ?? true, "trainImages", "must be at least 1")
        if discriminatorNormalization != nil && !(GANModelKind(rawValue: model)?.hasNormalizedDiscriminator ?? false) {
            throw ConfigError("--d-norm [discriminatorNormalization] applies to the DCGAN discriminators (dcgan, dcgan32, dcgan64), not \(model)")
        }
        try validateDiffAugment(family: family)
        try family.validate(self)
    }

    /// Reads a configuration file, YAML when its name ends in `.yaml` or `.yml` and JSON
    /// otherwise; fields it leaves out keep their defaults (the model family's where it declares
    /// some), unknown fields are an error (a typo would otherwise be silently ignored). `model`
    /// (the `--model` flag) replaces the file's model. Errors name the file and the field.
    public static func load(_ path: String, model: String? = nil, preset: String? = nil) throws -> TrainingConfig {
        guard let data = FileManager.default.contents(atPath: path) else { throw ConfigError("\(path): no such file") }
        do {
            let lowercased = path.lowercased()
            if lowercased.hasSuffix(".yaml") || lowercased.hasSuffix(".yml") {
                guard let text = String(data: data, encoding: .utf8) else { throw ConfigError("not UTF-8 text") }
                return try decode(object: YAMLSettings.object(text), model: model, preset: preset)
            }
            return try decode(data, model: model, preset: preset)
        } catch let error as ConfigError {
            throw ConfigError("\(path): \(error.description)")
        }
    }

    /// Decodes a JSON object of fields over the defaults of its model (or of `model`, which
    /// replaces the object's).
    public static func decode(_ data: Data, model: String? = nil, preset: String? = nil) throws -> TrainingConfig {
        let object: [String: JSONValue]
        do {
            object = try JSONDecoder().decode([String: JSONValue].self, from: data)
        } catch {
            throw ConfigError("not a JSON object of settings (\(Self.describe(error)))")
        }
        return try decode(object: object, model: model, preset: preset)
    }

    /// Decodes YAML text of fields as `decode(_:model:)` does JSON.
    public static func decode(yaml text: String, model: String? = nil) throws -> TrainingConfig {
        try decode(object: YAMLSettings.object(text), model: model)
    }

    /// The object's fields over the defaults of its model (or `model`) and its preset (or
    /// `preset`), which lies between them.
    private static func decode(object: [String: JSONValue], model: String?, preset: String? = nil) throws -> TrainingConfig {
        var config = TrainingConfig()
        if let model = object["model"] { try fields[0].set(model, in: &config) }
        if let model { config.model = model }
        try config.applyFamilyDefaults()
        if let name = preset ?? object["preset"].flatMap({ if case .string(let s) = $0 { s } else { nil } }) {
            try TrainingPreset.named(name).apply(to: &config)
        }
        let fields = config.allFields
        for key in object.keys.sorted() where !(key == "model" && model != nil) && !(key == "preset" && preset != nil) {
            guard let field = fields.first(where: { $0.key == key }) else {
                throw ConfigError("unknown field '\(key)'")
            }
            try field.set(object[key]!, in: &config)
        }
        return config
    }

    /// The configuration as a JSON object with sorted keys (every field, the family's included).
    public func encoded() -> Data {
        var object: [String: JSONValue] = [:]
        for field in allFields { object[field.key] = field.value(in: self) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return (try? encoder.encode(object)) ?? Data("{}".utf8)
    }

    private static func describe(_ error: Error) -> String {
        if case let DecodingError.dataCorrupted(context) = error { return context.debugDescription }
        return "\(error)"
    }
}
