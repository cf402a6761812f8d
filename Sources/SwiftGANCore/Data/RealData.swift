import SwiftGANData
import SwiftGANEngine

/// Where a run's real batches come from: an image dataset drawn in shuffled epochs, or a 2-D
/// toy distribution sampled afresh. Its state is a value, saved in checkpoints, so a resumed
/// run sees exactly the batches an uninterrupted one would.
public struct RealData {
    public enum Source {
        case images(ImageDataset)
        case toy(ToyDistribution)
    }

    public struct State: Codable, Equatable {
        public var sampler: BatchSampler?
        public var toyGenerator: RandomGenerator?
    }

    public let source: Source
    public private(set) var state: State
    let flatten: Bool

    /// Loads what `config` names (checking its shape against the model).
    public init(config: TrainingConfig) throws {
        flatten = config.model.takesFlatImages
        if let toy = ToyDistribution(rawValue: config.dataset) {
            source = .toy(toy)
            state = State(toyGenerator: RandomGenerator(seed: config.seed &+ 0xDA7A))
            batchSize = config.batchSize
            return
        }
        guard let known = ImageDataset.Known(rawValue: config.dataset) else {
            let names = ImageDataset.Known.allCases.map(\.rawValue) + ToyDistribution.allCases.map(\.rawValue)
            throw ConfigError("unknown dataset '\(config.dataset)' (choose from \(names.joined(separator: ", ")))")
        }
        let data = try ImageDataset.load(known, split: .train, directory: config.dataDirectory)
        guard data.imageShape == config.model.imageShape else {
            throw ConfigError("\(config.dataset) has images of shape \(data.imageShape); model \(config.model.rawValue) makes \(config.model.imageShape)")
        }
        guard config.batchSize <= data.count else {
            throw ConfigError("batch size \(config.batchSize) exceeds the \(data.count) training images")
        }
        source = .images(data)
        state = State(sampler: BatchSampler(datasetCount: data.count, batchSize: config.batchSize, seed: config.seed &+ 0xDA7A))
    }

    public mutating func nextBatch() -> Tensor {
        switch source {
        case .images(let data): return state.sampler!.nextBatch(from: data, flatten: flatten)
        case .toy(let toy): return toy.sample(batchSize, generator: &state.toyGenerator!)
        }
    }

    /// The batch size of toy sampling.
    private(set) var batchSize = 0

    /// `n` samples for reference statistics, drawn without touching the training stream.
    public func referenceSamples(_ n: Int) -> Tensor {
        switch source {
        case .images(let data):
            let prefix = data.prefix(n).images
            return flatten ? prefix.reshaped([prefix.shape[0], -1]) : prefix
        case .toy(let toy):
            var rng = RandomGenerator(seed: 0xBEEF)
            return toy.sample(n, generator: &rng)
        }
    }

    public var epoch: Int { state.sampler?.epoch ?? 0 }

    public mutating func restore(_ saved: State) throws {
        guard (saved.sampler == nil) == (state.sampler == nil),
              saved.sampler.map({ $0.datasetCount == state.sampler!.datasetCount }) ?? true else {
            throw ConfigError("the checkpoint's data state does not match this dataset")
        }
        state = saved
    }
}
