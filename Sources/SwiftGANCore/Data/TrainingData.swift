import Foundation
import Dispatch
import SwiftGANData
import SwiftGANEngine

/// Where a run's batches come from: image collections (single, paired or unpaired) drawn in
/// shuffled epochs, or 2-D toy distributions sampled afresh. Its state is a value, saved in
/// checkpoints, so a resumed run sees exactly the batches an uninterrupted one would.
///
/// The next batch can be gathered on another thread while the current step runs (`prefetch`);
/// `state` always describes the batches handed out, not the one being prepared, so checkpoints
/// and results are the same either way.
public final class TrainingData {
    public enum Source {
        case images(any ImageCollection)
        case paired(a: any ImageCollection, b: any ImageCollection)
        case unpaired(a: any ImageCollection, b: any ImageCollection)
        case toy(ToyDistribution)
        case toyUnpaired(a: ToyDistribution, b: ToyDistribution)
    }

    public struct State: Codable, Equatable {
        public var samplers: [BatchSampler] = []
        public var toyGenerators: [RandomGenerator] = []
    }

    public let name: String
    public let source: Source
    /// The test split, when the dataset has one.
    public let test: Source?
    public let batchSize: Int
    public private(set) var state: State
    /// Whether to prepare the next batch on another thread. By default only when a core is left
    /// over by the compute pool: where the pool occupies every core (this project's 2-core
    /// machine), the gathering thread runs only while the step waits for it, and handing the work
    /// over costs more than it saves (measured in Benchmarks/RESULTS.md).
    public var prefetch = ProcessInfo.processInfo.activeProcessorCount > Backend.computeThreads
    private var pending: (state: State, result: DispatchGroup, batch: UnsafeMutablePointer<Batch?>)?
    private static let queue = DispatchQueue(label: "swiftgan.data-prefetch")

    /// The 2-D toy datasets: single distributions and the unpaired pair `ring8-grid25`.
    public static let toyNames = ToyDistribution.allCases.map(\.rawValue) + ["ring8-grid25"]

    /// Loads the dataset `config` names (or detects it from its directory).
    public convenience init(config: TrainingConfig, warn: @escaping (String) -> Void) throws {
        let family = try ModelRegistry.family(named: config.model)
        let name = config.dataset ?? (config.dataDirectory == nil ? family.defaultDataset : nil)
        if let name, config.trainImages != nil, Self.toyNames.contains(name) {
            throw ConfigError("--train-images limits image datasets; \(name) draws its 2-D points afresh")
        }
        if let name, let toy = ToyDistribution(rawValue: name) {
            self.init(name: name, source: .toy(toy), test: nil, batchSize: config.batchSize, seed: config.seed)
        } else if name == "ring8-grid25" {
            self.init(name: "ring8-grid25", source: .toyUnpaired(a: .ring8, b: .grid25), test: nil, batchSize: config.batchSize,
                      seed: config.seed)
        } else {
            let loaded = try DatasetCatalog.load(name: name, directory: config.dataDirectory, channels: config.channels,
                                                 resolution: config.resolution, warn: warn)
            var train = Source(loaded.train)
            if let limit = config.trainImages { train = try train.prefix(limit, of: loaded.name) }
            self.init(name: loaded.name, source: train, test: loaded.test.map(Source.init),
                      batchSize: config.batchSize, seed: config.seed)
        }
        for (label, count) in counts where config.batchSize > count {
            throw ConfigError("batch size \(config.batchSize) exceeds the \(count) training images of \(label)")
        }
    }

    public init(name: String, source: Source, test: Source?, batchSize: Int, seed: UInt64) {
        self.name = name
        self.source = source
        self.test = test
        self.batchSize = batchSize
        var state = State()
        let seeds = [seed &+ 0xDA7A, seed &+ 0xDA7B]
        switch source {
        case .images(let c), .paired(let c, _):
            state.samplers = [BatchSampler(datasetCount: c.count, batchSize: min(batchSize, c.count), seed: seeds[0])]
        case .unpaired(let a, let b):
            state.samplers = [BatchSampler(datasetCount: a.count, batchSize: min(batchSize, a.count), seed: seeds[0]),
                              BatchSampler(datasetCount: b.count, batchSize: min(batchSize, b.count), seed: seeds[1])]
        case .toy:
            state.toyGenerators = [RandomGenerator(seed: seeds[0])]
        case .toyUnpaired:
            state.toyGenerators = seeds.map { RandomGenerator(seed: $0) }
        }
        self.state = state
    }

    /// The layout of the data, to match against a model family's.
    public var layout: BatchLayout {
        switch source {
        case .images, .toy: .images
        case .paired: .paired
        case .unpaired, .toyUnpaired: .unpaired
        }
    }

    /// What a recipe needs to know to build its models.
    public var shape: DataShape {
        switch source {
        case .images(let c): DataShape(sample: c.imageShape, classCount: c.labels == nil ? 0 : c.classCount)
        case .paired(let a, _), .unpaired(let a, _): DataShape(sample: a.imageShape, classCount: 0)
        case .toy, .toyUnpaired: DataShape(sample: [2])
        }
    }

    /// Training examples per collection, named.
    private var counts: [(String, Int)] {
        switch source {
        case .images(let c): [(name, c.count)]
        case .paired(let a, _): [(name, a.count)]
        case .unpaired(let a, let b): [("\(name) A", a.count), ("\(name) B", b.count)]
        case .toy, .toyUnpaired: []
        }
    }

    public var epoch: Int { state.samplers.first?.epoch ?? 0 }

    /// The next batch (prepared in the background during the previous step).
    public func nextBatch() -> Batch {
        let batch: Batch
        if let pending {
            pending.result.wait()
            batch = pending.batch.pointee!
            pending.batch.deinitialize(count: 1)
            pending.batch.deallocate()
            state = pending.state
            self.pending = nil
        } else {
            batch = Self.draw(source, batchSize, &state)()
        }
        if prefetch { startPrefetch() }
        return batch
    }

    private func startPrefetch() {
        var next = state
        let work = Self.draw(source, batchSize, &next)
        let slot = UnsafeMutablePointer<Batch?>.allocate(capacity: 1)
        slot.initialize(to: nil)
        let group = DispatchGroup()
        nonisolated(unsafe) let output = slot
        Self.queue.async(group: group) { output.pointee = work() }
        pending = (next, group, slot)
    }

    /// Advances `state` past one batch and returns the work that materializes it (which touches
    /// no shared state, so it can run on another thread).
    private static func draw(_ source: Source, _ batchSize: Int, _ state: inout State) -> () -> Batch {
        switch source {
        case .images(let c):
            let indices = state.samplers[0].nextIndices()
            return { Batch(real: c.images(at: indices), labels: c.labels.map { l in Tensor(indices.map { Float(l[$0]) }) }) }
        case .paired(let a, let b):
            let indices = state.samplers[0].nextIndices()
            return { Batch(a: a.images(at: indices), b: b.images(at: indices)) }
        case .unpaired(let a, let b):
            let (ia, ib) = (state.samplers[0].nextIndices(), state.samplers[1].nextIndices())
            return { Batch(a: a.images(at: ia), b: b.images(at: ib)) }
        case .toy(let toy):
            let points = toy.sample(batchSize, generator: &state.toyGenerators[0])
            return { Batch(real: points) }
        case .toyUnpaired(let ta, let tb):
            let a = ta.sample(batchSize, generator: &state.toyGenerators[0])
            let b = tb.sample(batchSize, generator: &state.toyGenerators[1])
            return { Batch(a: a, b: b) }
        }
    }

    /// `n` examples for reference statistics and panels, drawn without touching the training
    /// stream: the first images (with their labels), or seeded toy samples.
    public func referenceBatch(_ n: Int) -> Batch {
        func first(_ c: any ImageCollection) -> Tensor { c.images(at: Array(0..<min(n, c.count))) }
        var rng = RandomGenerator(seed: 0xBEEF)
        switch source {
        case .images(let c):
            let k = min(n, c.count)
            return Batch(real: first(c), labels: c.labels.map { l in Tensor((0..<k).map { Float(l[$0]) }) })
        case .paired(let a, let b), .unpaired(let a, let b): return Batch(a: first(a), b: first(b))
        case .toy(let toy): return Batch(real: toy.sample(n, generator: &rng))
        case .toyUnpaired(let a, let b): return Batch(a: a.sample(n, generator: &rng), b: b.sample(n, generator: &rng))
        }
    }

    /// Restores the batches' order from a checkpoint. The batch size stays this run's: a run
    /// resumed with another `--batch` goes on through the saved order in batches of that size.
    public func restore(_ saved: State) throws {
        guard saved.samplers.map(\.datasetCount) == state.samplers.map(\.datasetCount),
              saved.toyGenerators.count == state.toyGenerators.count else {
            throw ConfigError("the checkpoint's data state does not match this dataset (was the data directory changed?)")
        }
        if let pending { pending.result.wait(); pending.batch.deinitialize(count: 1); pending.batch.deallocate() }
        pending = nil
        let batchSizes = state.samplers.map(\.batchSize)
        state = saved
        for (i, size) in batchSizes.enumerated() { state.samplers[i].resize(batchSize: size) }
    }

    deinit {
        if let pending { pending.result.wait(); pending.batch.deinitialize(count: 1); pending.batch.deallocate() }
    }
}

extension TrainingData.Source {
    init(_ layout: DataLayout) {
        switch layout {
        case .images(let c): self = .images(c)
        case .paired(let a, let b): self = .paired(a: a, b: b)
        case .unpaired(let a, let b): self = .unpaired(a: a, b: b)
        }
    }

    /// The first `limit` training images of each collection (`--train-images`).
    func prefix(_ limit: Int, of name: String) throws -> Self {
        func first(_ c: any ImageCollection, _ label: String) throws -> any ImageCollection {
            guard limit <= c.count else {
                throw ConfigError("--train-images \(limit) exceeds the \(c.count) training images of \(label)")
            }
            return limit == c.count ? c : ImagePrefix(c, count: limit)
        }
        switch self {
        case .images(let c): return .images(try first(c, name))
        case .paired(let a, let b): return .paired(a: try first(a, name), b: try first(b, name))
        case .unpaired(let a, let b): return .unpaired(a: try first(a, "\(name) A"), b: try first(b, "\(name) B"))
        case .toy, .toyUnpaired: return self
        }
    }
}
