import SwiftGANEngine

/// Draws shuffled minibatches from a dataset, epoch after epoch, from its own seeded generator;
/// the last partial batch of an epoch is dropped, as with `DataLoader(drop_last=True)`.
///
/// Its state (generator, epoch order and position) is a value, so a resumed run sees exactly
/// the batches an uninterrupted one would.
public struct BatchSampler: Codable, Equatable {
    public let batchSize: Int
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

    /// The next batch of images, flattened to [batch, pixels] when `flatten` is set.
    public mutating func nextBatch(from dataset: ImageDataset, flatten: Bool = false) -> Tensor {
        let indices = nextIndices()
        let batch = dataset.images.rows(indices)
        return flatten ? batch.reshaped([indices.count, dataset.pixelsPerImage]) : batch
    }
}
