import Foundation
import SwiftGANData
import SwiftGANEngine
import SwiftGANNN

/// Evaluator files: safetensors weights whose `__metadata__` says what network they belong to,
/// so `load(evaluatorFile:)` can rebuild it.
extension EvaluatorNetwork {
    /// The metadata keys an evaluator file carries.
    public enum MetadataKey {
        /// The input shape as "C,H,W", e.g. "1,28,28".
        public static let shape = "swiftgan.evaluator.shape"
        /// The class names in label order, as a JSON array of strings.
        public static let classes = "swiftgan.evaluator.classes"
        /// The final test accuracy, e.g. "0.9922".
        public static let testAccuracy = "test_accuracy"
        public static let epochs = "epochs"
        public static let seed = "seed"
        /// The name of the data it was trained on (a folder's name, or mnist / fashion-mnist).
        public static let dataset = "dataset"
    }

    /// The metadata `save(evaluatorFile:…)` writes: this network's shape and classes, and how it
    /// was trained.
    public func evaluatorMetadata(testAccuracy: Double, epochs: Int, seed: UInt64, dataset: String) -> [String: String] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let classes = String(decoding: try! encoder.encode(classNames), as: UTF8.self)
        return [MetadataKey.shape: inputShape.map(String.init).joined(separator: ","), MetadataKey.classes: classes,
                MetadataKey.testAccuracy: String(format: "%.4f", testAccuracy), MetadataKey.epochs: "\(epochs)",
                MetadataKey.seed: "\(seed)", MetadataKey.dataset: dataset]
    }

    /// Saves the weights with `evaluatorMetadata`, for `load(evaluatorFile:)` and `swiftgan eval --evaluator`.
    public func save(evaluatorFile path: String, testAccuracy: Double, epochs: Int, seed: UInt64, dataset: String) throws {
        try save(to: path, metadata: evaluatorMetadata(testAccuracy: testAccuracy, epochs: epochs, seed: seed, dataset: dataset))
    }

    /// The evaluator saved in `path`, rebuilt from its metadata's shape and classes.
    ///
    /// Files written before the metadata had them (by `swiftgan evaluator train --dataset
    /// mnist`, like the shipped ones) say only `dataset` = mnist or fashion-mnist, and are read
    /// as the 1×28×28, 10-class network. Anything else without the metadata, or whose tensors
    /// do not fit the network it describes, is a one-line error naming the file.
    ///
    /// ```swift
    /// let evaluator = try EvaluatorNetwork.load(evaluatorFile: "flowers-evaluator.safetensors")
    /// print(evaluator.inputShape, evaluator.classNames)  // [3, 32, 32] ["daisy", "rose", "tulip"]
    /// ```
    public static func load(evaluatorFile path: String) throws -> EvaluatorNetwork {
        let (tensors, metadata) = try Safetensors.readWithMetadata(path)
        let shape: [Int], classNames: [String]?
        if let text = metadata[MetadataKey.shape] {
            let parsed = text.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard parsed.count == 3, parsed.allSatisfy({ ($0 ?? 0) > 0 }) else {
                throw MetricError("\(path): \(MetadataKey.shape) is '\(text)', not C,H,W")
            }
            shape = parsed.map { $0! }
            guard let json = metadata[MetadataKey.classes] else {
                throw MetricError("\(path): has \(MetadataKey.shape) but no \(MetadataKey.classes) in its metadata")
            }
            guard let names = try? JSONDecoder().decode([String].self, from: Data(json.utf8)), !names.isEmpty else {
                throw MetricError("\(path): \(MetadataKey.classes) is not a JSON array of class names")
            }
            classNames = names
        } else if let dataset = metadata[MetadataKey.dataset], ImageDataset.Known(rawValue: dataset) != nil {
            (shape, classNames) = (defaultInputShape, nil)
        } else {
            throw MetricError("\(path): no \(MetadataKey.shape) in its metadata; not an evaluator written by `swiftgan evaluator train`")
        }
        var rng = RandomGenerator(seed: 0)
        let network = EvaluatorNetwork(inputShape: shape, classCount: classNames?.count ?? 10, classNames: classNames, generator: &rng)
        do {
            try network.loadStateDict(tensors, source: path)
        } catch let error as SerializationError {
            throw MetricError("\(error) (its metadata describes \(describe(shape)) images and \(network.classCount) classes)")
        }
        return network
    }
}
