import Foundation
import SwiftGANData
import SwiftGANEngine
import SwiftGANNN

/// Training an evaluator: one recipe for MNIST, Fashion-MNIST and any labeled image folder.
extension EvaluatorNetwork {
    /// Trains an evaluator for MNIST or Fashion-MNIST from a fixed seed, on the train split,
    /// tested on the test split: the recipe that made the shipped weights (see
    /// `train(images:test:source:epochs:seed:progress:)`), which it reproduces exactly.
    public static func train(_ dataset: ImageDataset.Known, directory: String? = nil, epochs: Int, seed: UInt64 = 0,
                             progress: (Int, Double) -> Void = { _, _ in }) throws -> (EvaluatorNetwork, Double) {
        guard epochs >= 1 else { throw MetricError("training an evaluator needs at least 1 epoch, got \(epochs)") }
        let train = try ImageDataset.load(dataset, split: .train, directory: directory)
        let test = try ImageDataset.load(dataset, split: .test, directory: directory)
        return try self.train(images: train, test: test, source: directory ?? dataset.defaultDirectory,
                              epochs: epochs, seed: seed, progress: progress)
    }

    /// Trains an evaluator on a loaded dataset of labeled single images (an ImageFolder with
    /// class subfolders, or IDX files), as `DatasetCatalog.load` gives it; `source` (the folder,
    /// by default the dataset's name) is what errors name.
    ///
    /// ```swift
    /// let data = try DatasetCatalog.load(name: nil, directory: "flowers", channels: nil, resolution: 32) { print("warning:", $0) }
    /// let (evaluator, accuracy) = try EvaluatorNetwork.train(data, epochs: 5) { print("epoch \($0): \($1)") }
    /// ```
    public static func train(_ data: LoadedDataset, source: String? = nil, epochs: Int, seed: UInt64 = 0,
                             progress: (Int, Double) -> Void = { _, _ in }) throws -> (EvaluatorNetwork, Double) {
        let source = source ?? data.name
        guard case .images(let train) = data.train else {
            throw MetricError("\(source): holds paired or unpaired images; an evaluator trains on labeled single images (class subfolders)")
        }
        var test: (any ImageCollection)? = nil
        if let split = data.test {
            guard case .images(let images) = split else { throw MetricError("\(source): the test split is not single images") }
            test = images
        }
        return try self.train(images: train, test: test, source: source, epochs: epochs, seed: seed, progress: progress)
    }

    /// Trains an evaluator for `train`'s image shape and classes from a fixed seed: Adam, batches
    /// of min(128, n), learning rate 1e-3 decaying linearly to 0 over the run. It is tested on
    /// `test` when given, else on the last 10% of each class of `train` (held out of training;
    /// per class because folders list their images class by class). `progress` gets (epoch, test
    /// accuracy) after each epoch; the result is the network and its final test accuracy.
    ///
    /// Unlabeled images, a single class, labels outside the classes and a test split whose
    /// shape or classes differ are errors naming `source`.
    public static func train(images train: any ImageCollection, test: (any ImageCollection)?, source: String,
                             epochs: Int, seed: UInt64 = 0,
                             progress: (Int, Double) -> Void = { _, _ in }) throws -> (EvaluatorNetwork, Double) {
        guard epochs >= 1 else { throw MetricError("training an evaluator needs at least 1 epoch, got \(epochs)") }
        let labels = try checkedLabels(of: train, source: source)
        let classCount = train.classCount
        guard classCount >= 2 else {
            throw MetricError("\(source): only one class (\(train.classNames.first ?? "")); an evaluator needs at least 2 classes")
        }
        var trainRows = Array(0..<train.count)
        let testImages: any ImageCollection
        let testRows: [Int]
        if let test {
            guard test.imageShape == train.imageShape else {
                throw MetricError("\(source): test images are \(describe(test.imageShape)), training images \(describe(train.imageShape))")
            }
            guard test.classNames == train.classNames else {
                throw MetricError("\(source): the test classes [\(test.classNames.joined(separator: ", "))] differ from the training classes [\(train.classNames.joined(separator: ", "))]")
            }
            _ = try checkedLabels(of: test, source: source + " (test split)")
            (testImages, testRows) = (test, Array(0..<test.count))
        } else {
            let split = heldOut(labels: labels, classCount: classCount)
            (trainRows, testImages, testRows) = (split.train, train, split.test)
        }
        guard trainRows.count >= 2 else { throw MetricError("\(source): \(trainRows.count) training images; an evaluator needs at least 2") }
        guard !testRows.isEmpty else { throw MetricError("\(source): no images to test the evaluator on") }

        var rng = RandomGenerator(seed: seed)
        let network = EvaluatorNetwork(inputShape: train.imageShape, classCount: classCount, classNames: train.classNames,
                                       generator: &rng)
        let optimizer = Adam(parameters: network.parameters(), learningRate: 1e-3)
        let batchSize = min(128, trainRows.count)
        var sampler = BatchSampler(datasetCount: trainRows.count, batchSize: batchSize, seed: seed &+ 1)
        let stepsPerEpoch = trainRows.count / batchSize
        var accuracy = 0.0
        var step = 0
        for epoch in 1...epochs {
            network.train()
            for _ in 0..<stepsPerEpoch {
                optimizer.learningRate = 1e-3 * (1 - Float(step) / Float(epochs * stepsPerEpoch))
                step += 1
                let rows = sampler.nextIndices().map { trainRows[$0] }
                let images = train.images(at: rows)
                let batchLabels = rows.map { labels[$0] }
                let (_, grads) = valueAndGrad(network) { network.logits(images).crossEntropy(labels: batchLabels) }
                optimizer.update(grads)
            }
            accuracy = network.accuracy(on: testImages, indices: testRows)
            progress(epoch, accuracy)
        }
        return (network, accuracy)
    }

    /// The labels of `images`, every one a class index.
    private static func checkedLabels(of images: any ImageCollection, source: String) throws -> [Int] {
        guard let labels = images.labels, images.classCount > 0 else {
            throw MetricError("\(source): the images are unlabeled; an evaluator trains on a folder with one subfolder per class")
        }
        if let bad = labels.firstIndex(where: { $0 < 0 || $0 >= images.classCount }) {
            throw MetricError("\(source): label \(labels[bad]) of image \(bad) is not one of the \(images.classCount) classes")
        }
        return labels
    }

    /// How `train(images:test:…)` splits images without a test split: the last 10% of each
    /// class's images (at least one of every class with two or more) for testing, the rest for
    /// training; both in index order, the same for every seed.
    public static func heldOut(labels: [Int], classCount: Int) -> (train: [Int], test: [Int]) {
        var byClass = [[Int]](repeating: [], count: classCount)
        for (index, label) in labels.enumerated() { byClass[label].append(index) }
        var test: [Int] = []
        for rows in byClass where rows.count >= 2 { test += rows.suffix(max(1, rows.count / 10)) }
        let held = Set(test)
        return (labels.indices.filter { !held.contains($0) }, test.sorted())
    }
}
