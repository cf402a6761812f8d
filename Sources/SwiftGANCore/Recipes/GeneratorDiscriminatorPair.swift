import SwiftGANEngine
import SwiftGANNN

/// What a recipe of one generator and one discriminator sets up the same way as every other:
/// Adam for each at the run's learning rates and betas, a moving average of G when `--ema` asks
/// for one, the named models and optimizers the trainer works from, and the parameter names
/// gradient norms are logged under.
///
/// ```swift
/// let pair = GeneratorDiscriminatorPair(config: config, generator: g, discriminator: d) {
///     var rng = RandomGenerator(seed: 0)
///     return ConditionalDCGANGenerator(classes: 10, generator: &rng)
/// }
/// pair.optimizerG.update(gradients)
/// ```
public struct GeneratorDiscriminatorPair {
    public let optimizerG: Adam, optimizerD: Adam
    public let ema: ExponentialMovingAverage?
    /// `generator` and `discriminator`, with their roles.
    public let models: [NamedModel]
    /// `generator` and `discriminator`, each updating its model on the run's schedule.
    public let optimizers: [NamedOptimizer]
    public let parameterNames: (generator: [String], discriminator: [String])

    /// `averageCopy` makes a second generator of the same architecture to hold the moving
    /// average (its weights are overwritten); it is called only when the settings ask for one
    /// (`--ema`), or when `averaged` says so (a recipe that always keeps one, with its own
    /// schedule of decays).
    public init(config: TrainingConfig, generator: Module, discriminator: Module, averaged: Bool? = nil, averageCopy: () -> Module) {
        optimizerG = config.adam(generator.parameters(), learningRate: config.learningRateG)
        optimizerD = config.adam(discriminator.parameters(), learningRate: config.learningRateD)
        parameterNames = (generator.namedParameters().map(\.0), discriminator.namedParameters().map(\.0))
        ema = averaged ?? (config.emaDecay != nil)
            ? try! ExponentialMovingAverage(of: generator, copy: averageCopy(), decay: config.emaDecay ?? 0) : nil
        models = [NamedModel("generator", generator, role: .generator), NamedModel("discriminator", discriminator, role: .discriminator)]
        optimizers = [NamedOptimizer("generator", optimizerG, updates: ["generator"], schedule: config.learningRateSchedule),
                      NamedOptimizer("discriminator", optimizerD, updates: ["discriminator"], schedule: config.learningRateSchedule)]
    }
}
