import SwiftGANEngine
import SwiftGANNN

/// What a recipe of CycleGAN's scheme sets up alike: two generators (G_AB: A → B, G_BA: B → A)
/// and two discriminators (D_A, D_B) under their names and roles, one Adam for both generators
/// and one for both discriminators at the run's learning rates and betas, and CycleGAN's
/// schedule: constant for the first half of the run, then linearly to 0 (`--lr-decay-from`
/// moves the start).
struct CycleQuartet {
    let models: [NamedModel]
    let optimizerG: Adam, optimizerD: Adam
    let optimizers: [NamedOptimizer]

    init(config: TrainingConfig, generatorAB: Module, generatorBA: Module, discriminatorA: Module, discriminatorB: Module) {
        models = [NamedModel("G_AB", generatorAB, role: .generator), NamedModel("G_BA", generatorBA, role: .generator),
                  NamedModel("D_A", discriminatorA, role: .discriminator), NamedModel("D_B", discriminatorB, role: .discriminator)]
        optimizerG = config.adam(generatorAB.parameters() + generatorBA.parameters(), learningRate: config.learningRateG)
        optimizerD = config.adam(discriminatorA.parameters() + discriminatorB.parameters(), learningRate: config.learningRateD)
        let schedule = LearningRateSchedule.linearDecay(from: config.decayLearningRateFrom ?? config.steps / 2, until: config.steps)
        optimizers = [NamedOptimizer("G", optimizerG, updates: ["G_AB", "G_BA"], schedule: schedule),
                      NamedOptimizer("D", optimizerD, updates: ["D_A", "D_B"], schedule: schedule)]
    }
}
