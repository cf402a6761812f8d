import Foundation
import SwiftGANCore
import SwiftGANData
import SwiftGANEngine
import SwiftGANImages

/// One generator the server samples from, under its name, with its card.
public final class ServedModel: @unchecked Sendable {
    public let name: String
    public let family: ModelFamily
    /// Touched only by the batcher's worker thread once serving starts.
    let generator: any SampleableGenerator
    public private(set) var card: ModelCard
    /// [C, H, W] of one image.
    public let imageShape: [Int]

    /// Loads `weights` (SwiftGAN's, or PyTorch's with `model`), served as `name`.
    public init(name: String, weights: String, model: String? = nil) throws {
        guard !name.isEmpty, name.utf8.count <= 64, name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
            throw ConfigError("model name '\(name)': use 1 to 64 letters, digits, '-', '_' or '.' (--weights NAME=PATH)")
        }
        let (family, generator) = try ModelRegistry.generator(forWeights: weights, model: model)
        guard let shape = generator.imageShape else {
            throw ConfigError("\(weights): model \(family.name) makes 2-D points, not images; serve an image generator")
        }
        try generator.load(from: weights)
        generator.eval()
        self.name = name
        self.family = family
        self.generator = generator
        self.imageShape = shape
        card = ModelCard(name: name, architecture: family.name, latentDimension: generator.latentDimension,
                         classCount: generator.classCount, imageShape: shape, parameterCount: generator.parameterCount,
                         weights: (weights as NSString).lastPathComponent, weightsSHA256: try SHA256.hex(ofFile: weights),
                         training: ModelCard.trainingRun(of: weights))
    }

    /// Measures FID, precision and recall for the card (before serving starts: it uses the
    /// generator on the calling thread). The dataset is `dataset`, or the training run's.
    public func measure(samples: Int, dataset: ImageDataset.Known?, dataDirectory: String?) {
        let trained = ((card.training?["config"] as? [String: Any])?["dataset"] as? String).flatMap(ImageDataset.Known.init(rawValue:))
        card.metrics = ModelCard.measure(generator, samples: samples, dataset: dataset ?? trained, dataDirectory: dataDirectory)
        generator.eval()
    }

    /// The provenance of images made from `seeds`.
    func provenance(seeds: String) -> Provenance {
        Provenance(model: family.name, modelSHA256: card.weightsSHA256, seed: seeds)
    }
}
