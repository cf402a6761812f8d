import SwiftGANEngine

/// A buffer of past generator outputs mixed into the discriminator's fake batches (Shrivastava
/// et al.), so D keeps seeing the modes G has left and G cannot simply cycle back to them.
public final class ReplayBuffer {
    public let capacity: Int
    /// The share of each fake batch replaced by stored samples, once the buffer has some.
    public let fraction: Float
    public private(set) var samples: [Tensor] = []
    public internal(set) var generator: RandomGenerator

    public init(capacity: Int, fraction: Float = 0.5, seed: UInt64) {
        precondition(capacity > 0 && fraction >= 0 && fraction <= 1, "replay buffer: capacity > 0, fraction in [0, 1]")
        self.capacity = capacity
        self.fraction = fraction
        generator = RandomGenerator(seed: seed)
    }

    /// Returns the batch to show D (some rows swapped for stored samples) and stores the new
    /// fakes, replacing random old ones once full.
    public func mix(_ fake: Tensor) -> Tensor {
        let n = fake.shape[0]
        let rowSize = fake.count / n
        let out = fake.copy()
        if !samples.isEmpty {
            let replaced = Int(Float(n) * fraction)
            for row in generator.permutation(n).prefix(replaced) {
                let stored = samples[generator.integer(below: samples.count)]
                (out.storage.pointer + row * rowSize).update(from: stored.storage.pointer, count: rowSize)
            }
        }
        for row in 0..<n {
            let sample = fake.slice(axis: 0, row..<(row + 1)).detached()
            if samples.count < capacity { samples.append(sample) } else { samples[generator.integer(below: capacity)] = sample }
        }
        return out
    }

    /// The stored samples as one tensor (for checkpoints).
    public func stacked() -> Tensor? { samples.isEmpty ? nil : Tensor.concat(samples, axis: 0) }

    /// Restores stored samples and the generator state.
    public func restore(samples stackedSamples: Tensor?, generator state: RandomGenerator) {
        generator = state
        guard let stackedSamples else { samples = []; return }
        samples = (0..<stackedSamples.shape[0]).map { stackedSamples.slice(axis: 0, $0..<($0 + 1)).detached() }
    }
}
