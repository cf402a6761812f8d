import SwiftGANEngine
import SwiftGANNN

/// Runs any recipe one step at a time: sets each optimizer's learning rate from its schedule,
/// takes the recipe's step, updates the moving averages and counts the step. Checkpoints
/// (`Checkpoint`) and runs (`TrainingRun`) work from the names the recipe declares.
///
/// ```swift
/// let trainer = try GANTrainer(config: TrainingConfig(loss: .wganGP), data: DataShape(sample: [1, 28, 28]))
/// let stats = trainer.step { data.nextBatch() }
/// ```
public final class GANTrainer {
    public let config: TrainingConfig
    public let family: ModelFamily
    public let recipe: any GANRecipe
    public internal(set) var stepCount = 0

    public init(config: TrainingConfig, data shape: DataShape) throws {
        self.config = config
        family = try ModelRegistry.family(named: config.model)
        recipe = config.ensemble > 1 ? try EnsembleRecipe(count: config.ensemble, config: config, family: family, shape: shape)
                                     : try family.makeRecipe(config, shape)
    }

    /// One training step.
    @discardableResult
    public func step(diagnostics: Bool = false, nextBatch: () -> Batch) -> StepStatistics {
        let step = stepCount + 1
        for o in recipe.optimizers { o.optimizer.learningRate = o.baseLearningRate * o.schedule.factor(step: step) }
        let stats = recipe.step(step, diagnostics: diagnostics, nextBatch: nextBatch)
        for name in recipe.movingAverages.keys.sorted() { recipe.movingAverages[name]!.update() }
        stepCount = step
        return stats
    }

    /// The metadata written into every weights file: what the model is, so `sample` and `eval`
    /// need no `--model` for SwiftGAN's own files.
    public func metadata(for model: String) -> [String: String] {
        var meta = recipe.architectureMetadata
        meta["format"] = "pt"
        meta[WeightsMetadata.format] = String(WeightsMetadata.currentFormat)
        meta[WeightsMetadata.family] = config.model
        meta[WeightsMetadata.role] = model
        meta[WeightsMetadata.kind] = recipe.models.first { $0.name == model }?.role.rawValue
        meta["step"] = String(stepCount)
        return meta
    }
}

/// The keys SwiftGAN writes into the `__metadata__` of its safetensors files.
public enum WeightsMetadata {
    public static let format = "swiftgan.format"
    public static let family = "swiftgan.model"
    public static let architecture = "swiftgan.architecture"
    public static let role = "swiftgan.role"
    /// generator, discriminator or other (`NamedModel.Role`).
    public static let kind = "swiftgan.kind"
    /// The format of weights, checkpoints and run directories this version writes.
    public static let currentFormat = 2

    /// The architecture a SwiftGAN weights file says it holds (nil for other files).
    public static func architecture(of path: String) throws -> String? {
        try Safetensors.readWithMetadata(path).metadata[architecture]
    }
}
