import SwiftGANCore
import SwiftGANData
import SwiftGANEngine

/// `--eval-every`'s measurement: FID, precision, recall and the evaluator's classes covered
/// (`modes`) of `count` generated images against
/// as many real ones (the test split's first, else the training images'), in an evaluator
/// network's features: the dataset's shipped evaluator, or `--evaluator FILE`. The real
/// features are extracted once; every measurement draws the same latents (a fixed stream of
/// its own), so the curve shows the generator changing rather than the draw, and training's own
/// random streams are left alone. FIDs from a few thousand samples are biased upwards: compare
/// them within a run, or between runs at the same `--eval-samples`.
///
/// ```swift
/// let run = try TrainingRun(config: config, directory: "runs/dcgan")
/// run.monitor = try EvaluatorMonitor(config: run.config, data: run.data)
/// try run.run()   // log.jsonl gets {"eval": 1, "fid": …, "precision": …, "recall": …} records
/// ```
public final class EvaluatorMonitor: TrainingMonitor {
    public let evaluator: EvaluatorNetwork
    public let count: Int
    public let description: String
    private let realFeatures: Tensor
    /// Images generated per batch while measuring.
    public static let generationBatch = 250
    static let seed: UInt64 = 0x5EED_E7A1

    /// Refuses, before a run directory is made, what `init` would refuse for its settings alone:
    /// a family that makes no images, an unreadable `--evaluator`, a named dataset without a
    /// shipped evaluator. (A directory's data is known only once loaded; `init` checks it.)
    public static func check(_ config: TrainingConfig) throws {
        guard config.evalEvery > 0 else { return }
        let family = try ModelRegistry.family(named: config.model)
        guard family.layout == .images, family.defaultShape.sample.count == 3 else {
            throw MetricError("--eval-every measures generators of single images; model \(family.name) makes \(family.layout == .images ? "2-D points" : "translations")")
        }
        if let file = config.evaluatorFile {
            _ = try EvaluatorNetwork.load(evaluatorFile: file)
        } else if let name = config.dataset ?? (config.dataDirectory == nil ? family.defaultDataset : nil), ImageDataset.Known(rawValue: name) == nil {
            throw noEvaluator(for: name)
        }
    }

    static func noEvaluator(for dataset: String) -> MetricError {
        MetricError("--eval-every: no shipped evaluator for \(dataset) (there are for mnist and fashion-mnist); give --evaluator FILE (made by swiftgan evaluator train)")
    }

    public init(config: TrainingConfig, data: TrainingData) throws {
        if let file = config.evaluatorFile {
            evaluator = try EvaluatorNetwork.load(evaluatorFile: file)
        } else if let known = ImageDataset.Known(rawValue: data.name) {
            evaluator = try EvaluatorNetwork.pretrained(for: known)
        } else {
            throw Self.noEvaluator(for: data.name)
        }
        let (real, split): (any ImageCollection, String)
        switch (data.test, data.source) {
        case (.images(let c)?, _): (real, split) = (c, "test")
        case (nil, .images(let c)): (real, split) = (c, "training")
        default: throw MetricError("--eval-every measures generators of single images; \(data.name) holds 2-D points or image pairs")
        }
        guard real.imageShape == evaluator.inputShape else {
            throw MetricError("--eval-every: \(data.name)'s images are \(real.imageShape.map(String.init).joined(separator: "×")) but the evaluator takes \(evaluator.inputShape.map(String.init).joined(separator: "×"))")
        }
        count = min(config.evalSamples, real.count)
        realFeatures = evaluator.extract(from: real, indices: Array(0..<count)).features
        description = "\(data.name) \(split) images, \(count) each"
    }

    /// FID, precision, recall and the evaluator classes covered (`modes`); for an ensemble, also
    /// each member's under `member<k>.`, so the report compares the mixture with one generator.
    public func measure(_ recipe: any GANRecipe, data: TrainingData, step: Int) throws -> [String: Double] {
        var figures = try measureOne(recipe, data: data)
        if let ensemble = recipe as? EnsembleRecipe {
            for (k, member) in ensemble.members.enumerated() {
                for (name, value) in try measureOne(member, data: data) { figures["member\(k).\(name)"] = value }
            }
        }
        return figures
    }

    private func measureOne(_ recipe: any GANRecipe, data: TrainingData) throws -> [String: Double] {
        var rng = RandomGenerator(seed: Self.seed)
        var parts: [Tensor] = []
        var made = 0
        // Conditional recipes make whole rows of classes, so a chunk may give a few more or fewer.
        while made < count {
            let k = min(Self.generationBatch, count - made)
            let inputs = recipe.panelInputs(count: k, reference: data.referenceBatch(k), generator: &rng)
            let images = withNoGrad { recipe.panel(inputs).images }
            parts.append(images)
            made += max(images.shape[0], 1)
        }
        let images = Tensor.concat(parts, axis: 0).slice(axis: 0, 0..<count)
        try evaluator.checkInput(images.shape, "--eval-every: the generated images")
        let f = try MetricReport.qualityAndCoverage(of: images, evaluator: evaluator, realFeatures: realFeatures)
        return ["fid": f.fid, "precision": f.precision, "recall": f.recall, "modes": Double(f.modes)]
    }
}
