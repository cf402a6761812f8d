import SwiftGANEngine

/// Draws shuffled minibatches from a dataset, epoch after epoch, from its own seeded generator;
/// the last partial batch of an epoch is dropped, as with `DataLoader(drop_last=True)`.
///
/// Its state (generator, epoch order and position) is a value, so a resumed run sees exactly
/// the batches an uninterrupted one would.
public struct BatchSampler: Codable, Equatable {
    public private(set) var batchSize: Int
    public let datasetCount: Int
    public private(set) var generator: RandomGenerator
    public private(set) var order: [Int] = []
    public private(set) var position = 0
    public private(set) var epoch = 0

    public init(datasetCount: Int, batchSize: Int, seed: UInt64) {
        precondition(batchSize > 0 && batchSize <= datasetCount, "batch size \(batchSize) for \(datasetCount) examples")
        self.batchSize = batchSize
        self.datasetCount = datasetCount
        generator = RandomGenerator(seed: seed)
    }

    /// The indices of the next batch.
    public mutating func nextIndices() -> [Int] {
        if order.isEmpty || position + batchSize > datasetCount {
            if !order.isEmpty { epoch += 1 }
            order = generator.permutation(datasetCount)
            position = 0
        }
        defer { position += batchSize }
        return Array(order[position..<(position + batchSize)])
    }

    /// Continues the same order in batches of `size` (a resumed run given another `--batch`).
    public mutating func resize(batchSize size: Int) {
        precondition(size > 0 && size <= datasetCount, "batch size \(size) for \(datasetCount) examples")
        batchSize = size
    }

    private enum CodingKeys: String, CodingKey { case batchSize, datasetCount, generator, order, position, epoch }

    /// Decodes a saved sampler (a checkpoint's `state.json`), refusing one that could index
    /// outside the dataset: the order must be empty or a permutation of the examples.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        batchSize = try c.decode(Int.self, forKey: .batchSize)
        datasetCount = try c.decode(Int.self, forKey: .datasetCount)
        generator = try c.decode(RandomGenerator.self, forKey: .generator)
        order = try c.decode([Int].self, forKey: .order)
        position = try c.decode(Int.self, forKey: .position)
        epoch = try c.decode(Int.self, forKey: .epoch)
        func refuse(_ why: String) -> DecodingError {
            DecodingError.dataCorrupted(.init(codingPath: c.codingPath, debugDescription: "batch sampler: \(why)"))
        }
        guard batchSize > 0, batchSize <= datasetCount else { throw refuse("batch size \(batchSize) for \(datasetCount) examples") }
        guard epoch >= 0, position >= 0, position <= datasetCount else { throw refuse("position \(position), epoch \(epoch)") }
        var seen = [Bool](repeating: false, count: order.isEmpty ? 0 : datasetCount)
        for i in order {
            guard order.count == datasetCount, i >= 0, i < datasetCount, !seen[i] else {
                throw refuse("the order is not a permutation of the \(datasetCount) examples")
            }
            seen[i] = true
        }
    }

    /// The next batch of images, flattened to [batch, pixels] when `flatten` is set.
    public mutating func nextBatch(from dataset: ImageDataset, flatten: Bool = false) -> Tensor {
        let indices = nextIndices()
        let batch = dataset.images.rows(indices)
        return flatten ? batch.reshaped([indices.count, dataset.pixelsPerImage]) : batch
    }
}
