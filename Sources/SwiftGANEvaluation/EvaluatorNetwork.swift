import Foundation
import SwiftGANData
import SwiftGANEngine
import SwiftGANNN

/// The small CNN classifier whose features the metrics are computed on, one per dataset:
/// conv 1→32 (5×5, stride 2) → conv 32→64 (5×5, stride 2) → 3136 → 128 (the feature layer,
/// after ReLU) → 10 classes. Images are [n, 1, 28, 28] in [-1, 1], as datasets and generators
/// give them.
///
/// Trained weights ship with SwiftGAN (`EvaluatorNetwork.pretrained(for:)`), so every user's
/// numbers are comparable:
///
/// ```swift
/// let evaluator = try EvaluatorNetwork.pretrained(for: .mnist)
/// let (features, probabilities) = evaluator.extract(images)
/// ```
public final class EvaluatorNetwork: Module {
    public static let featureDimension = 128
    public let features: Sequential
    public let classifier: Linear

    public init(generator: inout RandomGenerator) {
        features = Sequential(
            Conv2d(1, 32, kernelSize: 5, stride: 2, padding: 2, generator: &generator), ReLU(),
            Conv2d(32, 64, kernelSize: 5, stride: 2, padding: 2, generator: &generator), ReLU(),
            Flatten(), Linear(64 * 7 * 7, 128, generator: &generator), ReLU())
        classifier = Linear(128, 10, generator: &generator)
        super.init()
    }

    public func logits(_ images: Tensor) -> Tensor { classifier(features(Self.shaped(images))) }

    static func shaped(_ images: Tensor) -> Tensor {
        images.rank == 2 ? images.reshaped([images.shape[0], 1, 28, 28]) : images
    }

    /// Features [n, 128] and class probabilities [n, 10], in batches, without recording.
    public func extract(_ images: Tensor, batchSize: Int = 500) -> (features: Tensor, probabilities: Tensor) {
        let x = Self.shaped(images)
        precondition(Array(x.shape.dropFirst()) == [1, 28, 28], "the evaluator takes 1×28×28 images, got \(images.shape)")
        eval()
        var featureParts: [Tensor] = [], probabilityParts: [Tensor] = []
        withNoGrad {
            var start = 0
            while start < x.shape[0] {
                let end = min(start + batchSize, x.shape[0])
                let f = features(x.slice(axis: 0, start..<end))
                featureParts.append(f)
                probabilityParts.append(classifier(f).softmax(axis: 1))
                start = end
            }
        }
        return (Tensor.concat(featureParts, axis: 0), Tensor.concat(probabilityParts, axis: 0))
    }

    /// The share of `dataset`'s images classified correctly.
    public func accuracy(on dataset: ImageDataset) -> Double {
        let predicted = extract(dataset.images).probabilities.argmaxRows()
        return Double(zip(predicted, dataset.labels).filter { $0 == $1 }.count) / Double(dataset.count)
    }

    /// The weights shipped for `dataset`, trained by `swiftgan evaluator train`.
    public static func pretrained(for dataset: ImageDataset.Known) throws -> EvaluatorNetwork {
        guard let url = Bundle.module.url(forResource: dataset.rawValue, withExtension: "safetensors", subdirectory: "Evaluators") else {
            throw MetricError("no shipped evaluator for \(dataset.rawValue)")
        }
        var rng = RandomGenerator(seed: 0)
        let network = EvaluatorNetwork(generator: &rng)
        try network.load(from: url.path)
        return network
    }

    /// Trains an evaluator from a fixed seed (Adam, batch 128, learning rate 1e-3 decaying
    /// linearly to 0) and returns it with its test accuracy. `progress` gets (epoch, test
    /// accuracy) after each epoch.
    public static func train(_ dataset: ImageDataset.Known, directory: String? = nil, epochs: Int, seed: UInt64 = 0,
                             progress: (Int, Double) -> Void = { _, _ in }) throws -> (EvaluatorNetwork, Double) {
        guard epochs >= 1 else { throw MetricError("training an evaluator needs at least 1 epoch, got \(epochs)") }
        let train = try ImageDataset.load(dataset, split: .train, directory: directory)
        let test = try ImageDataset.load(dataset, split: .test, directory: directory)
        guard train.count >= 128 else {
            throw MetricError("\(directory ?? dataset.defaultDirectory): \(train.count) training images; an evaluator trains on batches of 128")
        }
        var rng = RandomGenerator(seed: seed)
        let network = EvaluatorNetwork(generator: &rng)
        let optimizer = Adam(parameters: network.parameters(), learningRate: 1e-3)
        var sampler = BatchSampler(datasetCount: train.count, batchSize: 128, seed: seed &+ 1)
        var accuracy = 0.0
        let stepsPerEpoch = train.count / 128
        var step = 0
        for epoch in 1...epochs {
            network.train()
            for _ in 0..<stepsPerEpoch {
                optimizer.learningRate = 1e-3 * (1 - Float(step) / Float(epochs * stepsPerEpoch))
                step += 1
                let indices = sampler.nextIndices()
                let images = train.images.rows(indices)
                let labels = indices.map { train.labels[$0] }
                let (_, grads) = valueAndGrad(network) { network.logits(images).crossEntropy(labels: labels) }
                optimizer.update(grads)
            }
            accuracy = network.accuracy(on: test)
            progress(epoch, accuracy)
        }
        return (network, accuracy)
    }
}
