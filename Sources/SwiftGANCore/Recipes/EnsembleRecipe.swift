import SwiftGANEngine
import SwiftGANNN

/// `--ensemble K`: K copies of a family's recipe, seeded `seed`, `seed + 1`, …, trained side by
/// side on their own batches, their generators sampled as one equal mixture
/// (`GeneratorEnsemble`, each latent picking its member): the "multiple GANs" remedy for mode collapse, where each member may
/// settle on a few modes and the mixture covers more of them.
///
/// Each member keeps its models, optimizers, moving averages, random streams, counters and
/// buffers under the prefix `member<k>.`, so checkpoints and exact resume work as for one
/// recipe. The logged losses are the members' means; the panel shows the mixture. The run's
/// `generator.safetensors` (and `generator_ema.safetensors`) hold the whole ensemble.
public final class EnsembleRecipe: GANRecipe {
    public let members: [any GANRecipe]
    public let models: [NamedModel]
    public let optimizers: [NamedOptimizer]
    public let movingAverages: [String: ExponentialMovingAverage]

    /// The family's recipe built `count` times from `config`, member k with seed `config.seed + k`.
    public convenience init(count: Int, config: TrainingConfig, family: ModelFamily, shape: DataShape) throws {
        var members: [any GANRecipe] = []
        for k in 0..<count {
            var member = config
            member.seed = config.seed &+ UInt64(k)
            members.append(try family.makeRecipe(member, shape))
        }
        self.init(members: members)
    }

    public init(members: [any GANRecipe]) {
        precondition(members.count > 1, "an ensemble needs at least two members")
        self.members = members
        var models: [NamedModel] = [], optimizers: [NamedOptimizer] = []
        var averages: [String: ExponentialMovingAverage] = [:]
        for (k, member) in members.enumerated() {
            let prefix = Self.prefix(k)
            models += member.models.map { NamedModel(prefix + $0.name, $0.module, role: $0.role) }
            optimizers += member.optimizers.map {
                NamedOptimizer(prefix + $0.name, $0.optimizer, updates: $0.models.map { prefix + $0 }, schedule: $0.schedule)
            }
            for (name, average) in member.movingAverages { averages[prefix + name] = average }
        }
        (self.models, self.optimizers, movingAverages) = (models, optimizers, averages)
    }

    static func prefix(_ k: Int) -> String { "member\(k)." }

    public var batchLayout: BatchLayout { members[0].batchLayout }
    public var lossNames: [String] { members[0].lossNames }
    public var architectureMetadata: [String: String] { members[0].architectureMetadata }

    /// The members' named values under their prefixes.
    private func prefixed<V>(_ values: (any GANRecipe) -> [String: V]) -> [String: V] {
        var all: [String: V] = [:]
        for (k, member) in members.enumerated() {
            for (name, value) in values(member) { all[Self.prefix(k) + name] = value }
        }
        return all
    }

    /// The values of member `k` in `all` (prefix removed).
    private func member<V>(_ k: Int, of all: [String: V]) -> [String: V] {
        let prefix = Self.prefix(k)
        return Dictionary(uniqueKeysWithValues: all.filter { $0.key.hasPrefix(prefix) }.map { (String($0.key.dropFirst(prefix.count)), $0.value) })
    }

    public var randomStreams: [String: RandomGenerator] {
        get { prefixed(\.randomStreams) }
        set { for (k, m) in members.enumerated() { m.randomStreams = member(k, of: newValue) } }
    }

    public var counters: [String: Int] {
        get { prefixed(\.counters) }
        set { for (k, m) in members.enumerated() { m.counters = member(k, of: newValue) } }
    }

    public func stateTensors() -> [String: Tensor] { prefixed { $0.stateTensors() } }

    public func restoreStateTensors(_ tensors: [String: Tensor]) throws {
        for (k, m) in members.enumerated() { try m.restoreStateTensors(member(k, of: tensors)) }
    }

    /// Every member's step on its own batch; the losses, scores and norms are their means.
    public func step(_ step: Int, diagnostics: Bool, nextBatch: () -> Batch) -> StepStatistics {
        let all = members.map { $0.step(step, diagnostics: diagnostics, nextBatch: nextBatch) }
        func mean(_ values: [Float]) -> Float { values.reduce(0, +) / Float(values.count) }
        func meanOptional(_ values: [Float?]) -> Float? { values.contains(nil) ? nil : mean(values.map { $0! }) }
        var stats = StepStatistics(lossD: mean(all.map(\.lossD)), lossG: mean(all.map(\.lossG)), realScore: mean(all.map(\.realScore)),
                                   fakeScore: mean(all.map(\.fakeScore)), gradientNormD: meanOptional(all.map(\.gradientNormD)),
                                   gradientNormG: meanOptional(all.map(\.gradientNormG)))
        for name in Set(all.flatMap(\.losses.keys)) { stats.losses[name] = mean(all.compactMap { $0.losses[name] }) }
        for name in Set(all.flatMap(\.extra.keys)) { stats.extra[name] = mean(all.compactMap { $0.extra[name] }) }
        for (k, s) in all.enumerated() {
            for (model, norm) in s.gradientNorms { stats.gradientNorms[Self.prefix(k) + model] = norm }
            for (model, layers) in s.layerGradientNorms { stats.layerGradientNorms[Self.prefix(k) + model] = layers }
        }
        return stats
    }

    public func panelInputs(count: Int, reference: Batch, generator rng: inout RandomGenerator) -> PanelInputs {
        members[0].panelInputs(count: count, reference: reference, generator: &rng)
    }

    /// The mixture's panel: each sample from the member its latent picks, as in the weights file
    /// (each member's panel on the same inputs).
    public func panel(_ inputs: PanelInputs) -> Panel {
        let panels = members.map { $0.panel(inputs) }
        func mixed(_ parts: [Tensor]) -> Tensor {
            let n = parts[0].shape[0]
            let owner = inputs.latents.flatMap { $0.shape[0] == n ? GeneratorEnsemble.members(for: $0, count: parts.count) : nil }
                ?? (0..<n).map { $0 % parts.count }
            return Tensor.concat(parts, axis: 0).rows((0..<n).map { owner[$0] * n + $0 })
        }
        var panel = panels[0]
        panel.images = mixed(panels.map(\.images))
        panel.generated = mixed(panels.map(\.generated))
        return panel
    }

    /// The ensemble's generator (and its moving average's) as one file each when the members'
    /// generators can be sampled; the discriminators together in one file.
    public var weightsFiles: [WeightsFile] {
        var files: [WeightsFile] = []
        let ensembleMetadata = [GeneratorEnsemble.metadataKey: String(members.count)]
        for model in members[0].models {
            let modules = members.map { $0.model(model.name)! }
            if model.role == .generator, let generators = modules as? [any SampleableGenerator] {
                files.append(WeightsFile(name: model.name, model: model.name, role: model.role, module: GeneratorEnsemble(generators),
                                         metadata: ensembleMetadata))
                if let averages = members.map({ $0.movingAverages[model.name]?.average }) as? [any SampleableGenerator] {
                    files.append(WeightsFile(name: model.name + "_ema", model: model.name, role: model.role,
                                             module: GeneratorEnsemble(averages), metadata: ensembleMetadata))
                }
            } else {
                files.append(WeightsFile(name: model.name, model: model.name, role: model.role, module: ModuleGroup(modules),
                                         metadata: ensembleMetadata))
            }
        }
        return files
    }
}

/// Modules saved together, as `members.<k>.…` (an ensemble's discriminators).
final class ModuleGroup: Module {
    let members: [Module]
    init(_ members: [Module]) {
        self.members = members
        super.init()
    }
    override func namedChildren() -> [(String, Module)] { members.enumerated().map { ("members.\($0.offset)", $0.element) } }
}
