import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

/// Evaluators for any image shape and class count: building, training on a labeled
/// collection, the file's metadata, and evaluating generated images with them.
@Suite struct EvaluatorNetworkTests {
    /// Four classes a small CNN tells apart at a glance, 3×16×16, `perClass` of each in class
    /// order (as a folder lists them), placed with a little jitter and noise: a red square, a
    /// green horizontal bar, a blue vertical bar and a white square.
    static func shapes(perClass: Int) -> ByteImageCollection {
        let (h, w) = (16, 16)
        var pixels: [UInt8] = [], labels: [Int] = []
        for label in 0..<4 {
            for i in 0..<perClass {
                let (dx, dy) = ((i * 5) % 7, (i * 3) % 7)
                var image = [UInt8](repeating: 0, count: 3 * h * w)
                for y in 0..<h {
                    for x in 0..<w {
                        let noise = UInt8((i * 31 + y * 17 + x * 7) % 24)
                        let inside: Bool
                        switch label {
                        case 0, 3: inside = (dx + 2..<dx + 9).contains(x) && (dy + 2..<dy + 9).contains(y)
                        case 1: inside = (dy + 4..<dy + 7).contains(y)
                        default: inside = (dx + 4..<dx + 7).contains(x)
                        }
                        for c in 0..<3 {
                            let lit = inside && (label == 3 || c == label)
                            image[(c * h + y) * w + x] = lit ? 230 + noise : noise
                        }
                    }
                }
                pixels += image
                labels.append(label)
            }
        }
        return ByteImageCollection(pixels: pixels, imageShape: [3, h, w], labels: labels,
                                   classNames: ["red square", "green bar", "blue bar", "white square"])
    }

    @Test func aNetworkForThreeByThirtyTwoImagesAndFourClassesHasTheRightShapes() {
        var rng = RandomGenerator(seed: 1)
        let network = EvaluatorNetwork(inputShape: [3, 32, 32], classCount: 4, generator: &rng)
        #expect(network.classNames == ["0", "1", "2", "3"])
        let shapes = Dictionary(uniqueKeysWithValues: network.namedParameters().map { ($0.0, $0.1.shape) })
        #expect(shapes == ["features.0.weight": [32, 3, 5, 5], "features.0.bias": [32], "features.2.weight": [64, 32, 5, 5],
                           "features.2.bias": [64], "features.5.weight": [128, 64 * 8 * 8], "features.5.bias": [128],
                           "classifier.weight": [4, 128], "classifier.bias": [4]])
        let documented: Int = 3 * 800 + 51_296 + 8_192 * 64 + 128 + 129 * 4
        #expect(network.parameterCount == documented)
        let images = rng.normal([5, 3, 32, 32])
        #expect(network.logits(images).shape == [5, 4])
        let (features, probabilities) = network.extract(images, batchSize: 2)
        #expect(features.shape == [5, 128] && probabilities.shape == [5, 4])
        #expect(network.extract(images.reshaped([5, 3 * 32 * 32])).features.shape == [5, 128])
        // Odd sides round up through each stride-2 convolution: 30×18 → 15×9 → 8×5.
        let odd = EvaluatorNetwork(inputShape: [1, 30, 18], classCount: 3, generator: &rng)
        #expect(odd.extract(rng.normal([2, 1, 30, 18])).probabilities.shape == [2, 3])
    }

    /// The shipped file, loaded through its metadata (it predates the shape keys and says only
    /// `dataset`), is the network `pretrained(for:)` gives.
    @Test func theShippedEvaluatorLoadsFromItsFile() throws {
        let path = Fixtures.repositoryRoot + "/Sources/SwiftGANEvaluation/Evaluators/mnist.safetensors"
        let loaded = try EvaluatorNetwork.load(evaluatorFile: path)
        let shipped = try EvaluatorNetwork.pretrained(for: .mnist)
        #expect(loaded.inputShape == [1, 28, 28] && loaded.classCount == 10)
        let test = try ImageDataset.load(.mnist, split: .test, directory: Fixtures.mnistDirectory).prefix(300)
        let (a, b) = (loaded.extract(test.images), shipped.extract(test.images))
        #expect(a.features.shape == [300, 128])
        #expect(a.features.scalars == b.features.scalars && a.probabilities.scalars == b.probabilities.scalars)
        #expect(loaded.accuracy(on: test) >= 0.97)
    }

    @Test func trainsOnALabeledCollectionAndHoldsOutTheLastTenthOfEachClass() throws {
        let data = Self.shapes(perClass: 250)
        var accuracies: [Double] = []
        let (network, accuracy) = try EvaluatorNetwork.train(images: data, test: nil, source: "shapes", epochs: 3, seed: 4) {
            accuracies.append($1)
        }
        #expect(accuracies.count == 3 && accuracies.last == accuracy)
        #expect(accuracy >= 0.95, "test accuracy \(accuracies)")
        #expect(network.inputShape == [3, 16, 16] && network.classNames == data.classNames)
        let split = EvaluatorNetwork.heldOut(labels: data.labels!, classCount: 4)
        let lastTenth: [Int] = (0..<4).flatMap { (label: Int) -> [Int] in Array((label * 250 + 225)..<(label * 250 + 250)) }
        #expect(split.test == lastTenth)
        #expect(split.train.count == 900 && Set(split.train).isDisjoint(with: split.test))
    }

    @Test func unlabeledImagesAndASingleClassAreErrors() throws {
        let data = Self.shapes(perClass: 10)
        let unlabeled = ByteImageCollection(pixels: (0..<40).flatMap { data.bytes(at: $0) }, imageShape: [3, 16, 16],
                                            labels: nil, classNames: [])
        #expect { try EvaluatorNetwork.train(images: unlabeled, test: nil, source: "plain", epochs: 1) } throws: {
            "\($0)".hasPrefix("plain: the images are unlabeled")
        }
        let one = ByteImageCollection(pixels: (0..<10).flatMap { data.bytes(at: $0) }, imageShape: [3, 16, 16],
                                      labels: [Int](repeating: 0, count: 10), classNames: ["red square"])
        #expect { try EvaluatorNetwork.train(images: one, test: nil, source: "single", epochs: 1) } throws: {
            "\($0)".hasPrefix("single: only one class")
        }
    }

    @Test func theFileRecordsShapeClassesAndTrainingAndRebuildsTheNetwork() throws {
        var rng = RandomGenerator(seed: 2)
        let names = ["a \"quoted\" class", "slash/class", "ü"]
        let network = EvaluatorNetwork(inputShape: [3, 20, 12], classCount: 3, classNames: names, generator: &rng)
        let path = try Fixtures.temporaryDirectory() + "/e.safetensors"
        try network.save(evaluatorFile: path, testAccuracy: 0.875, epochs: 2, seed: 9, dataset: "shapes")
        let metadata = try Safetensors.readWithMetadata(path).metadata
        #expect(metadata["swiftgan.evaluator.shape"] == "3,20,12")
        #expect(metadata["swiftgan.evaluator.classes"] == #"["a \"quoted\" class","slash/class","ü"]"#)
        #expect(metadata["test_accuracy"] == "0.8750" && metadata["epochs"] == "2" && metadata["seed"] == "9" && metadata["dataset"] == "shapes")
        let loaded = try EvaluatorNetwork.load(evaluatorFile: path)
        #expect(loaded.inputShape == [3, 20, 12] && loaded.classNames == names)
        let images = rng.normal([4, 3, 20, 12])
        #expect(loaded.extract(images).probabilities.scalars == network.extract(images).probabilities.scalars)
    }

    @Test func filesWithoutTheMetadataOrWithOtherShapesAreOneLineErrors() throws {
        let dir = try Fixtures.temporaryDirectory()
        var rng = RandomGenerator(seed: 3)
        let network = EvaluatorNetwork(inputShape: [3, 16, 16], classCount: 4, generator: &rng)
        try network.save(to: dir + "/bare.safetensors")
        var metadata = network.evaluatorMetadata(testAccuracy: 1, epochs: 1, seed: 0, dataset: "x")
        metadata["swiftgan.evaluator.shape"] = "3,32,32"
        try network.save(to: dir + "/wrong.safetensors", metadata: metadata)
        metadata["swiftgan.evaluator.shape"] = "3,16"
        try network.save(to: dir + "/garbled.safetensors", metadata: metadata)
        for (file, says) in [("bare", "no swiftgan.evaluator.shape"), ("wrong", "the model expects [128, 4096]"), ("garbled", "not C,H,W")] {
            #expect(performing: { try EvaluatorNetwork.load(evaluatorFile: "\(dir)/\(file).safetensors") }, throws: { error in
                let text = "\(error)"
                return text.hasPrefix("\(dir)/\(file).safetensors: ") && text.contains(says) && !text.contains("\n")
            })
        }
    }

    @Test func generatedImagesAreComparedWithTheRealOnesInTheEvaluatorsShape() throws {
        let data = Self.shapes(perClass: 30)
        var rng = RandomGenerator(seed: 6)
        let network = EvaluatorNetwork(inputShape: [3, 16, 16], classCount: 4, classNames: data.classNames, generator: &rng)
        let generated = data.images(at: Array(stride(from: 1, to: 120, by: 2)))
        let report = try MetricReport.evaluate(images: generated, against: data, evaluator: network, kidSubsets: 5)
        #expect(report.nReal == 120 && report.nFake == 60 && report.classCount == 4)
        #expect((report.modesCovered ?? 0) <= 4 && report.fid?.isFinite == true && report.precision?.isFinite == true)
        let floor = try MetricReport.evaluateRealVsReal(LoadedDataset(name: "shapes", train: .images(data), test: nil),
                                                        evaluator: network, count: 1000, kidSubsets: 5)
        #expect(floor.nReal == 60 && floor.nFake == 60 && floor.fid?.isFinite == true)
        #expect { try MetricReport.evaluate(images: rng.normal([8, 1, 28, 28]), against: data, evaluator: network) } throws: {
            "\($0)" == "the generated images are 1×28×28 but the evaluator takes 3×16×16 images"
        }
    }
}
