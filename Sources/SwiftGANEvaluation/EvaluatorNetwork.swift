import Foundation
import SwiftGANData
import SwiftGANEngine
import SwiftGANNN

/// The small CNN classifier whose features the metrics are computed on, one per dataset:
/// conv C→32 (5×5, stride 2) → conv 32→64 (5×5, stride 2) → 64·⌈H/4⌉·⌈W/4⌉ → 128 (the
/// feature layer, after ReLU) → K classes. Images are [n, C, H, W] in [-1, 1], as datasets and
/// generators give them; the defaults (1×28×28, 10 classes) are the MNIST evaluators'.
///
/// Trained weights ship with SwiftGAN for MNIST and Fashion-MNIST
/// (`EvaluatorNetwork.pretrained(for:)`), so every user's numbers are comparable; for other data,
/// train one on a labeled folder and load it from its file:
///
/// ```swift
/// let evaluator = try EvaluatorNetwork.pretrained(for: .mnist)
/// let (features, probabilities) = evaluator.extract(images)
///
/// let data = try DatasetCatalog.load(name: nil, directory: "flowers", channels: 3, resolution: 32) { print($0) }
/// let (flowers, accuracy) = try EvaluatorNetwork.train(data, epochs: 5)
/// try flowers.save(evaluatorFile: "flowers-evaluator.safetensors", testAccuracy: accuracy, epochs: 5, seed: 0, dataset: data.name)
/// let again = try EvaluatorNetwork.load(evaluatorFile: "flowers-evaluator.safetensors")
/// ```
///
/// The network has no pooling, so its size grows with the image: C·800 + 51,296 convolution
/// parameters, 8,192·⌈H/4⌉·⌈W/4⌉ + 128 in the feature layer and 129·K in the classifier. With
/// K = 10 that is 0.45M parameters at 1×28×28, 0.58M at 3×32×32, 2.2M at 3×64×64, 8.4M at
/// 3×128×128 and 33.6M (134 MB of float32) at 3×256×256; for large images, train at a smaller
/// `--resolution`.
public final class EvaluatorNetwork: Module {
    /// The width of the feature layer the metrics compare.
    public static let featureDimension = 128
    /// The input shape of the shipped MNIST and Fashion-MNIST evaluators.
    public static let defaultInputShape = [1, 28, 28]

    public let features: Sequential
    public let classifier: Linear
    /// [channels, height, width] of the images the network takes.
    public let inputShape: [Int]
    /// The class names in label order (K of them); "0"…"9" for the shipped evaluators.
    public let classNames: [String]

    /// The number of classes K.
    public var classCount: Int { classNames.count }

    /// A freshly initialised evaluator for images of `inputShape` ([C, H, W]) and `classCount`
    /// classes, named `classNames` ("0", "1", … when nil). With the defaults and the same
    /// generator state it draws exactly the weights it always has.
    public init(inputShape: [Int] = EvaluatorNetwork.defaultInputShape, classCount: Int = 10, classNames: [String]? = nil,
                generator: inout RandomGenerator) {
        precondition(inputShape.count == 3 && inputShape.allSatisfy { $0 > 0 }, "an evaluator takes [C, H, W] images, got \(inputShape)")
        precondition(classCount >= 1, "an evaluator needs at least one class, got \(classCount)")
        precondition(classNames == nil || classNames!.count == classCount, "\(classNames!.count) class names for \(classCount) classes")
        let (c, h, w) = (inputShape[0], inputShape[1], inputShape[2])
        // Each 5×5, stride 2, padding 2 convolution maps a side s to ⌈s/2⌉.
        let flattened = 64 * ((h + 3) / 4) * ((w + 3) / 4)
        features = Sequential(
            Conv2d(c, 32, kernelSize: 5, stride: 2, padding: 2, generator: &generator), ReLU(),
            Conv2d(32, 64, kernelSize: 5, stride: 2, padding: 2, generator: &generator), ReLU(),
            Flatten(), Linear(flattened, Self.featureDimension, generator: &generator), ReLU())
        classifier = Linear(Self.featureDimension, classCount, generator: &generator)
        self.inputShape = inputShape
        self.classNames = classNames ?? (0..<classCount).map(String.init)
        super.init()
    }

    /// Class scores [n, K] before the softmax; `images` are [n, C, H, W] or flattened [n, C·H·W].
    public func logits(_ images: Tensor) -> Tensor { classifier(features(shaped(images))) }

    /// The border cropped from each side of images 2·`paddedBorder` pixels larger than the
    /// network's input: 32×32 outputs of models trained on 28×28 data padded to 32×32
    /// (StyleGAN-lite, the translators), seen as the 28×28 images they were trained on.
    public static let paddedBorder = 2

    /// Images as the network takes them: flattened images [n, C·H·W] (an MLP generator's
    /// output) viewed as [n, C, H, W], padded images cropped by `paddedBorder`, and values clamped
    /// to [-1, 1] (a no-op for tanh outputs; StyleGAN's output is linear).
    func shaped(_ images: Tensor) -> Tensor { Self.shaped(images, input: inputShape) }

    /// The 128 features of `images` as the network takes them (`shaped`), recording gradients
    /// (GAN inversion differentiates through them).
    public func embed(_ images: Tensor) -> Tensor { features(shaped(images)) }

    /// `images` as a network taking `input` images sees them (see `shaped`).
    public static func shaped(_ images: Tensor, input: [Int]) -> Tensor {
        var x = images.rank == 2 && images.shape[1] == input.reduce(1, *) ? images.reshaped([images.shape[0]] + input) : images
        if isPadded(Array(x.shape.dropFirst()), input: input) {
            let b = paddedBorder
            x = x.slice(axis: 2, b..<(b + input[1])).slice(axis: 3, b..<(b + input[2]))
        }
        return x.clamp(min: -1, max: 1)
    }

    /// Whether one image of `shape` [C, H, W] is an `input`-shaped image padded by `paddedBorder`.
    public static func isPadded(_ shape: [Int], input: [Int]) -> Bool {
        shape.count == 3 && shape[0] == input[0] && shape[1] == input[1] + 2 * paddedBorder && shape[2] == input[2] + 2 * paddedBorder
    }

    /// Whether images of `shape` ([n, C, H, W] or [n, C·H·W]) are what a network taking `input`
    /// images evaluates: that shape, flattened, or padded by `paddedBorder`.
    public static func accepts(_ shape: [Int], input: [Int]) -> Bool {
        let one = Array(shape.dropFirst())
        return one == input || (shape.count == 2 && shape[1] == input.reduce(1, *)) || isPadded(one, input: input)
    }

    /// Whether images of `shape` ([n, C, H, W] or [n, C·H·W]) are what the network takes.
    public func accepts(_ shape: [Int]) -> Bool { Self.accepts(shape, input: inputShape) }

    /// Throws a one-line error naming both shapes unless `shape` is one `accepts`; `what` says
    /// whose images they are ("generated images").
    public func checkInput(_ shape: [Int], _ what: String) throws {
        guard accepts(shape) else {
            throw MetricError("\(what) are \(Array(shape.dropFirst()).map(String.init).joined(separator: "×")) but the evaluator takes \(Self.describe(inputShape)) images")
        }
    }

    /// "3×32×32".
    static func describe(_ shape: [Int]) -> String { shape.map(String.init).joined(separator: "×") }

    /// Features [n, 128] and class probabilities [n, K], in batches, without recording.
    public func extract(_ images: Tensor, batchSize: Int = 500) -> (features: Tensor, probabilities: Tensor) {
        let x = shaped(images)
        precondition(Array(x.shape.dropFirst()) == inputShape, "the evaluator takes \(Self.describe(inputShape)) images, got \(images.shape)")
        return extractBatches(count: x.shape[0], batchSize: batchSize) { x.slice(axis: 0, $0) }
    }

    /// Features and class probabilities of every image of `collection` (or those at `indices`),
    /// read `batchSize` images at a time so a large folder never sits in memory as floats.
    public func extract(from collection: any ImageCollection, indices: [Int]? = nil,
                        batchSize: Int = 500) -> (features: Tensor, probabilities: Tensor) {
        precondition(collection.imageShape == inputShape,
                     "the evaluator takes \(Self.describe(inputShape)) images, got \(Self.describe(collection.imageShape))")
        let rows = indices ?? Array(0..<collection.count)
        return extractBatches(count: rows.count, batchSize: batchSize) { collection.images(at: Array(rows[$0])) }
    }

    private func extractBatches(count: Int, batchSize: Int, batch: (Range<Int>) -> Tensor) -> (features: Tensor, probabilities: Tensor) {
        eval()
        var featureParts: [Tensor] = [], probabilityParts: [Tensor] = []
        withNoGrad {
            var start = 0
            while start < count {
                let end = min(start + batchSize, count)
                let f = features(batch(start..<end))
                featureParts.append(f)
                probabilityParts.append(classifier(f).softmax(axis: 1))
                start = end
            }
        }
        guard !featureParts.isEmpty else {
            return (Tensor.zeros([0, Self.featureDimension]), Tensor.zeros([0, classCount]))
        }
        return (Tensor.concat(featureParts, axis: 0), Tensor.concat(probabilityParts, axis: 0))
    }

    /// The share of `dataset`'s images classified correctly.
    public func accuracy(on dataset: ImageDataset) -> Double {
        let predicted = extract(dataset.images).probabilities.argmaxRows()
        return Double(zip(predicted, dataset.labels).filter { $0 == $1 }.count) / Double(dataset.count)
    }

    /// The share of the labeled images of `collection` (or those at `indices`) classified
    /// correctly; 0 for no images.
    public func accuracy(on collection: any ImageCollection, indices: [Int]? = nil) -> Double {
        guard let labels = collection.labels else { preconditionFailure("accuracy needs labeled images") }
        let rows = indices ?? Array(0..<collection.count)
        guard !rows.isEmpty else { return 0 }
        let predicted = extract(from: collection, indices: rows).probabilities.argmaxRows()
        return Double(zip(predicted, rows).filter { $0 == labels[$1] }.count) / Double(rows.count)
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
}
