import SwiftGANEngine
import SwiftGANNN

/// One training batch. Which fields are set depends on the recipe's `BatchLayout`.
public struct Batch {
    /// Real images ([n, C, H, W], or [n, features] for flat models) or 2-D points.
    public var real: Tensor?
    /// Class indices, [n], as stored floats (0, 1, …), when the data is labeled.
    public var labels: Tensor?
    /// Domain A and domain B images (paired: aligned rows; unpaired: independent draws).
    public var a: Tensor?
    public var b: Tensor?

    public init(real: Tensor? = nil, labels: Tensor? = nil, a: Tensor? = nil, b: Tensor? = nil) {
        self.real = real
        self.labels = labels
        self.a = a
        self.b = b
    }

    /// The number of examples.
    public var count: Int { (real ?? a ?? b)?.shape[0] ?? 0 }
}

/// What a recipe's batches hold.
public enum BatchLayout: String, Sendable, CustomStringConvertible {
    /// Single images or points (labels too, when the data has them).
    case images
    /// Aligned A/B pairs.
    case paired
    /// A and B drawn independently.
    case unpaired

    public var description: String {
        switch self {
        case .images: "single images (or points)"
        case .paired: "paired images (A/B)"
        case .unpaired: "unpaired domains (A and B)"
        }
    }
}

/// A model of a recipe with its name (the name of its weights file and log fields).
public struct NamedModel {
    public let name: String
    public let module: Module
    /// Generators and discriminators: which gradient norm the alarms watch.
    public let role: Role
    public enum Role: String { case generator, discriminator, other }

    public init(_ name: String, _ module: Module, role: Role) {
        self.name = name
        self.module = module
        self.role = role
    }
}

/// How an optimizer's learning rate changes over the run.
public enum LearningRateSchedule: Equatable, Sendable {
    case constant
    /// Constant until `from`, then linearly to 0 at `until` (CycleGAN's schedule).
    case linearDecay(from: Int, until: Int)

    /// The multiplier of the base learning rate at `step` (1-based step being taken).
    public func factor(step: Int) -> Float {
        switch self {
        case .constant: return 1
        case .linearDecay(let from, let until):
            guard step > from, until > from else { return 1 }
            return max(0, 1 - Float(step - from) / Float(until - from + 1))
        }
    }
}

/// An optimizer of a recipe: its name (checkpoint keys), the models it updates, its schedule.
public struct NamedOptimizer {
    public let name: String
    public let optimizer: Adam
    public let models: [String]
    public let baseLearningRate: Float
    public let schedule: LearningRateSchedule

    public init(_ name: String, _ optimizer: Adam, updates models: [String], schedule: LearningRateSchedule = .constant) {
        self.name = name
        self.optimizer = optimizer
        self.models = models
        baseLearningRate = optimizer.learningRate
        self.schedule = schedule
    }
}

/// The fixed inputs of a run's sample panel, drawn once at the start (and again, identically,
/// on resume): latents, labels and real examples as the recipe needs them.
public struct PanelInputs {
    public var latents: Tensor?
    public var batch: Batch
    public init(latents: Tensor?, batch: Batch) {
        self.latents = latents
        self.batch = batch
    }
}

/// What a sample panel shows: images laid out `columns` wide, and the generated part whose
/// diversity the mode-collapse alarm watches (within each class when `groups` gives the
/// class of each generated sample, as for conditional models).
public struct Panel {
    public var images: Tensor
    public var columns: Int?
    public var generated: Tensor
    public var groups: [Int]?
    public init(images: Tensor, columns: Int? = nil, generated: Tensor, groups: [Int]? = nil) {
        self.images = images
        self.columns = columns
        self.generated = generated
        self.groups = groups
    }

    /// The diversity the alarms watch: within classes for a grouped panel.
    public var diversity: Float { Diversity.meanPairwiseDistance(generated, groups: groups) }
}

/// A GAN family's training: its named models and optimizers, what a batch holds, and its step.
/// `GANTrainer` runs any recipe: checkpoints, exact resume, logs, alarms, panels and reports
/// work from the names a recipe declares, so a family is one recipe file plus its layers.
///
/// State a step changes besides weights and optimizer moments (random streams, counters,
/// buffers of past fakes) is declared in `randomStreams`, `counters` and `stateTensors()`, so
/// a checkpoint holds all of it.
public protocol GANRecipe: AnyObject {
    /// The models, in the order their files are written.
    var models: [NamedModel] { get }
    var optimizers: [NamedOptimizer] { get }
    /// Moving averages of models, by the averaged model's name (sampled instead of it).
    var movingAverages: [String: ExponentialMovingAverage] { get }
    var batchLayout: BatchLayout { get }
    /// The loss names (besides `loss_d` and `loss_g`) the step reports.
    var lossNames: [String] { get }
    /// Named random streams the step draws from.
    var randomStreams: [String: RandomGenerator] { get set }
    /// Named counters the step keeps (D steps taken, for lazy regularization).
    var counters: [String: Int] { get set }
    /// Buffers to checkpoint beyond models and optimizers.
    func stateTensors() -> [String: Tensor]
    func restoreStateTensors(_ tensors: [String: Tensor]) throws
    /// One training step; `step` is the 1-based number of the step being taken.
    func step(_ step: Int, diagnostics: Bool, nextBatch: () -> Batch) -> StepStatistics
    /// Draws the fixed panel inputs from `rng`, with real examples from `reference`.
    func panelInputs(count: Int, reference: Batch, generator rng: inout RandomGenerator) -> PanelInputs
    /// The panel for fixed inputs, in evaluation mode (the moving averages when there are some).
    func panel(_ inputs: PanelInputs) -> Panel
    /// What the recipe's weights files record about the architecture beyond the family name
    /// (the DCGAN layout, image sizes), so that sampling can rebuild it.
    var architectureMetadata: [String: String] { get }
    /// Whether the step trains on `DataParallel.localRows` of each global batch and latent draw,
    /// so that `mpirun` can split it across processes.
    var splitsBatchesAcrossRanks: Bool { get }
    /// The weights files a run writes beside its checkpoints: by default each model and, for
    /// those with one, its moving average (`<name>_ema`).
    var weightsFiles: [WeightsFile] { get }
}

/// A weights file of a run: its name (without `.safetensors`), the model it holds, and the
/// metadata it adds to the recipe's.
public struct WeightsFile {
    public let name: String
    public let model: String
    public let role: NamedModel.Role
    public let module: Module
    public let metadata: [String: String]

    public init(name: String, model: String, role: NamedModel.Role, module: Module, metadata: [String: String] = [:]) {
        (self.name, self.model, self.role, self.module, self.metadata) = (name, model, role, module, metadata)
    }
}

extension GANRecipe {
    public var splitsBatchesAcrossRanks: Bool { false }
    public var weightsFiles: [WeightsFile] { modelFiles }

    /// Each model and, for those with one, its moving average (`<name>_ema`): what checkpoints
    /// hold, and by default the run's weights files.
    public var modelFiles: [WeightsFile] {
        models.flatMap { model in
            [WeightsFile(name: model.name, model: model.name, role: model.role, module: model.module)]
                + (movingAverages[model.name].map { [WeightsFile(name: model.name + "_ema", model: model.name, role: model.role, module: $0.average)] } ?? [])
        }
    }
    public var movingAverages: [String: ExponentialMovingAverage] { [:] }
    public var lossNames: [String] { [] }
    public var architectureMetadata: [String: String] { [:] }
    public func stateTensors() -> [String: Tensor] { [:] }
    public func restoreStateTensors(_ tensors: [String: Tensor]) throws {}

    /// The model called `name`.
    public func model(_ name: String) -> Module? { models.first { $0.name == name }?.module }

    /// The module to sample from for model `name`: its moving average when there is one.
    public func samplingModel(_ name: String) -> Module? { movingAverages[name]?.average ?? model(name) }
}

/// Runs `body` with `modules` in evaluation mode and without recording, then puts them back in
/// training mode.
public func inEvaluationMode<T>(_ modules: [Module], _ body: () -> T) -> T {
    for m in modules { m.eval() }
    defer { for m in modules { m.train() } }
    return withNoGrad(body)
}

extension Dictionary where Key == String, Value == Tensor {
    /// The `count` values of the checkpointed state tensor `key` (`GANRecipe.stateTensors()`),
    /// nil when the checkpoint has none, or a one-line error when it has another size.
    public func stateValues(_ key: String, count: Int) throws(ConfigError) -> [Float]? {
        guard let tensor = self[key] else { return nil }
        guard tensor.count == count else { throw ConfigError("checkpoint state '\(key)' has \(tensor.count) values, expected \(count)") }
        return tensor.scalars
    }
}
