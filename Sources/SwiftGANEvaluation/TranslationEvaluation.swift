import Foundation
import SwiftGANCore
import SwiftGANData
import SwiftGANEngine
import SwiftGANNN

/// What `swiftgan eval --run RUN` reports for an image-to-image run, per direction.
public struct TranslationReport: Codable, Sendable {
    public struct Direction: Codable, Sendable {
        /// "A → B" or "B → A".
        public var name: String
        /// The generator weights evaluated.
        public var weights: String
        public var count: Int
        /// Against the paired targets (Pix2Pix): mean |output − target| in [-1, 1] units, PSNR in
        /// dB and SSIM, both on [0, 1].
        public var l1: Double?
        public var psnr: Double?
        public var ssim: Double?
        /// FID (and precision and recall) of the outputs against the target domain's test images
        /// in the evaluator's features.
        public var fid: Double?
        public var precision: Double?
        public var recall: Double?
        /// The share of outputs the evaluator gives their input's label.
        public var labelPreservation: Double?
        /// The evaluator's accuracy on the target domain's real test images: how far it can
        /// read labels in that domain at all, the ceiling label preservation is measured under.
        public var targetAccuracy: Double?
    }

    public var run: String
    public var model: String
    public var dataset: String
    public var evaluator: String?
    public var directions: [Direction] = []
    public var warnings: [String] = []

    /// One JSON object on one line, keys sorted.
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try! encoder.encode(self), as: UTF8.self)
    }
}

/// Evaluates a translation run (pix2pix, cyclegan) on its dataset's test split: each generator
/// the run saved translates the test images of its source domain; paired data gives L1, PSNR
/// and SSIM against the targets; an evaluator network (the shipped one for edges2fashion and
/// mnist-thin2thick, or your own) gives the FID, precision and recall of the outputs against the
/// target domain's test images and, for labeled data, how often the outputs keep their input's
/// label. Images the built-in tasks padded from 28×28 to 32×32 are cropped back by 2 pixels
/// before any metric sees them, so the constant border does not count.
public enum TranslationEvaluation {
    /// The generator files of a translation family's run, with the direction each translates.
    static func generators(of model: String) -> [(file: String, direction: String, fromB: Bool)] {
        model == "cyclegan" ? [("G_AB.safetensors", "A → B", false), ("G_BA.safetensors", "B → A", true)]
            : [("generator.safetensors", "A → B", false)]
    }

    /// The shipped evaluator that fits a built-in translation task.
    static func shippedEvaluator(for dataset: String) -> ImageDataset.Known? {
        switch dataset {
        case "edges2fashion": .fashionMNIST
        case "mnist-thin2thick": .mnist
        default: nil
        }
    }

    /// - Parameters:
    ///   - evaluator: your own evaluator (and its file's name for the report); nil for the
    ///     shipped one of a built-in task, or none (then no FID) for other data.
    ///   - limit: translate at most this many test images per direction (nil: all).
    public static func evaluate(run path: String, evaluator custom: (network: EvaluatorNetwork, name: String)? = nil, limit: Int? = nil,
                                warn: (String) -> Void = { _ in }) throws -> TranslationReport {
        let config = try TrainingConfig.load(path + "/config.json")
        let family = try ModelRegistry.family(named: config.model)
        guard family.makeTranslator != nil else {
            throw ConfigError("\(path): a \(config.model) run; eval --run evaluates translation runs (pix2pix, cyclegan); use --weights for generators")
        }
        let name = config.dataset ?? (config.dataDirectory == nil ? family.defaultDataset : nil)
        let data = try DatasetCatalog.load(name: name, directory: config.dataDirectory, channels: config.channels,
                                           resolution: config.resolution, warn: warn)
        let a: any ImageCollection, b: any ImageCollection, paired: Bool
        switch data.test {
        case .paired(let ta, let tb)?: (a, b, paired) = (ta, tb, true)
        case .unpaired(let ta, let tb)?: (a, b, paired) = (ta, tb, false)
        default: throw ConfigError("\(path): dataset \(data.name) has no test split of A and B images to evaluate on")
        }
        var report = TranslationReport(run: path, model: config.model, dataset: data.name)
        let evaluator: EvaluatorNetwork?
        if let custom {
            (evaluator, report.evaluator) = (custom.network, custom.name)
        } else if let known = name.flatMap(shippedEvaluator(for:)) {
            (evaluator, report.evaluator) = (try EvaluatorNetwork.pretrained(for: known), "shipped \(known.rawValue)")
        } else {
            evaluator = nil
            report.warnings.append("no evaluator for \(data.name): no FID or label preservation (pass --evaluator)")
        }
        for (file, direction, fromB) in generators(of: config.model) {
            let weights = path + "/" + file
            let loaded = try ModelRegistry.loadTranslator(from: weights, model: config.model)
            let generator = loaded.generator
            let (source, target) = fromB ? (b, a) : (a, b)
            let count = min(limit ?? source.count, source.count)
            let inputs = source.images(at: Array(0..<count))
            let trainedSide = loaded.trainedSide ?? source.imageShape[1]
            var outputs = try generator.translateAll(inputs, trainedSide: trainedSide)
            var targets = target.images(at: Array(0..<min(target.count, paired ? count : target.count)))
            // The built-in tasks' 28×28 images padded to 32×32: back to 28×28.
            if let evaluator, EvaluatorNetwork.isPadded(Array(outputs.shape.dropFirst()), input: evaluator.inputShape) {
                (outputs, targets) = (crop(outputs, EvaluatorNetwork.paddedBorder), crop(targets, EvaluatorNetwork.paddedBorder))
            }
            var result = TranslationReport.Direction(name: direction, weights: file, count: count)
            if paired {
                result.l1 = ImageSimilarity.l1(outputs, targets)
                result.psnr = ImageSimilarity.psnr(outputs, targets)
                result.ssim = ImageSimilarity.ssim(outputs, targets)
            }
            if let evaluator {
                try evaluator.checkInput(outputs.shape, "\(file)'s outputs")
                let fake = evaluator.extract(outputs), real = evaluator.extract(targets)
                let metrics = try MetricReport.compare(real: real.features, fake: fake.features, metrics: [.fid, .pr])
                (result.fid, result.precision, result.recall) = (metrics.fid, metrics.precision, metrics.recall)
                if let labels = source.labels, source.classNames.count == evaluator.classCount {
                    result.labelPreservation = accuracy(fake.probabilities, Array(labels.prefix(count)))
                }
                if let labels = target.labels, target.classNames.count == evaluator.classCount {
                    result.targetAccuracy = accuracy(real.probabilities, Array(labels.prefix(targets.shape[0])))
                }
            }
            report.directions.append(result)
        }
        return report
    }

    /// The share of rows whose most probable class is their label.
    static func accuracy(_ probabilities: Tensor, _ labels: [Int]) -> Double {
        Double(zip(probabilities.argmaxRows(), labels).filter { $0 == $1 }.count) / Double(labels.count)
    }

    /// The images with `border` pixels cut from every side.
    static func crop(_ images: Tensor, _ border: Int) -> Tensor {
        let (h, w) = (images.shape[2], images.shape[3])
        return withNoGrad { images.slice(axis: 2, border..<(h - border)).slice(axis: 3, border..<(w - border)) }
    }
}
