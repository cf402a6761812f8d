import SwiftGANEngine

/// A buffer of past generator outputs mixed into the discriminator's fake batches, so D keeps
/// seeing the modes G has left and G cannot simply cycle back to them. Two policies:
/// `mix(_:)`, Shrivastava et al.'s (a share of each batch swapped for stored samples, the new
/// fakes stored), and `query(_:)`, CycleGAN's image pool (each fake, once the pool is full,
/// traded with probability 1/2 for a stored one).
public final class ReplayBuffer {
    public let capacity: Int
    /// The share of each fake batch replaced by stored samples, once the buffer has some (`mix`).
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
        let out = fake.copy()
        if !samples.isEmpty {
            let replaced = Int(Float(n) * fraction)
            for row in generator.permutation(n).prefix(replaced) {
                write(samples[generator.integer(below: samples.count)], into: out, row: row)
            }
        }
        for row in 0..<n {
            let sample = Self.row(fake, row)
            if samples.count < capacity { samples.append(sample) } else { samples[generator.integer(below: capacity)] = sample }
        }
        return out
    }

    /// CycleGAN's image pool (`ImagePool.query` of pytorch-CycleGAN-and-pix2pix), row by row:
    /// while the pool is not full the fake is stored and shown; once full, with probability 1/2
    /// a random stored fake is shown instead and the new one takes its place, else the new one
    /// is shown and not stored.
    public func query(_ fake: Tensor) -> Tensor {
        let out = fake.copy()
        for row in 0..<fake.shape[0] {
            let sample = Self.row(fake, row)
            if samples.count < capacity {
                samples.append(sample)
            } else if generator.uniform([1]).item > 0.5 {
                let slot = generator.integer(below: capacity)
                write(samples[slot], into: out, row: row)
                samples[slot] = sample
            }
        }
        return out
    }

    private static func row(_ t: Tensor, _ row: Int) -> Tensor { t.slice(axis: 0, row..<(row + 1)).detached() }

    private func write(_ sample: Tensor, into batch: Tensor, row: Int) {
        let rowSize = sample.count
        (batch.storage.pointer + row * rowSize).update(from: sample.storage.pointer, count: rowSize)
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
