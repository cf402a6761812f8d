import Foundation

/// A seeded, counter-based random number generator (Philox-4x32-10).
///
/// Its whole state is the seed and a counter, so the same seed gives the same numbers on any
/// machine and with any number of threads, and a training run can save and restore it exactly.
///
/// ```swift
/// var rng = RandomGenerator(seed: 42)
/// let z = rng.normal([64, 100])
/// ```
public struct RandomGenerator: Codable, Equatable, Sendable {
    public let seed: UInt64
    /// How many random 32-bit words have been used (always a multiple of 4).
    public private(set) var offset: UInt64

    public init(seed: UInt64, offset: UInt64 = 0) {
        self.seed = seed
        self.offset = offset
    }

    /// The generator that initializers use when none is passed; `RandomGenerator.seedShared(_:)`
    /// resets it, like `torch.manual_seed`.
    nonisolated(unsafe) public static var shared = RandomGenerator(seed: 0)

    public static func seedShared(_ seed: UInt64) { shared = RandomGenerator(seed: seed) }

    /// Reserves `count` words of the stream and returns the offset they start at.
    private mutating func advance(_ count: Int) -> UInt64 {
        let start = offset
        offset += UInt64((count + 3) / 4 * 4)
        return start
    }

    /// Samples from N(mean, std²).
    public mutating func normal(_ shape: [Int], mean: Float = 0, std: Float = 1) -> Tensor {
        let t = Tensor(uninitializedShape: shape)
        Backend.current.randomNormal(key: seed, offset: advance(t.count), into: t.storage.pointer,
                                     count: t.count, mean: mean, std: std)
        return t
    }

    /// Samples from N(0, 1) truncated to [-threshold, threshold] (BigGAN's truncation trick).
    ///
    /// It draws `normal(shape)` and redraws, from this stream, only the entries beyond the
    /// threshold until every one lies within it, so entries already within it are exactly
    /// `normal(shape)`'s and the same seed gives the same tensor. A redraw is a normal for
    /// thresholds of 1 and more; below 1, where most normals would miss, a uniform proposal on
    /// [-threshold, threshold] accepted with probability exp(-x²/2), which is exact too.
    ///
    /// ```swift
    /// var rng = RandomGenerator(seed: 0)
    /// let z = rng.truncatedNormal([16, 120], threshold: 0.5)   // every |z| ≤ 0.5
    /// ```
    public mutating func truncatedNormal(_ shape: [Int], threshold: Float) -> Tensor {
        precondition(threshold > 0 && threshold.isFinite, "truncatedNormal needs a positive, finite threshold, got \(threshold)")
        let t = normal(shape)
        let values = t.storage.pointer
        var outside = (0..<t.count).filter { abs(values[$0]) > threshold }
        while !outside.isEmpty {
            if threshold >= 1 {
                let redraw = normal([outside.count]).scalars
                outside = zip(outside, redraw).compactMap { index, x in
                    guard abs(x) > threshold else { values[index] = x; return nil }
                    return index
                }
            } else {
                // One proposal and one acceptance draw per entry still outside.
                let draws = uniform([2 * outside.count]).scalars
                outside = outside.enumerated().compactMap { k, index in
                    let x = (2 * draws[2 * k] - 1) * threshold
                    guard draws[2 * k + 1] < exp(-x * x / 2) else { return index }
                    values[index] = x
                    return nil
                }
            }
        }
        return t
    }

    /// Samples from U[low, high).
    public mutating func uniform(_ shape: [Int], low: Float = 0, high: Float = 1) -> Tensor {
        let t = Tensor(uninitializedShape: shape)
        Backend.current.randomUniform(key: seed, offset: advance(t.count), into: t.storage.pointer,
                                      count: t.count, low: low, high: high)
        return t
    }

    /// A uniformly random integer in 0..<upperBound.
    public mutating func integer(below upperBound: Int) -> Int {
        precondition(upperBound > 0, "integer(below:) needs a positive bound")
        var words = [UInt32](repeating: 0, count: 2)
        Backend.current.randomBits(key: seed, offset: advance(2), into: &words, count: 2)
        let value = UInt64(words[0]) << 32 | UInt64(words[1])
        return Int(value.multipliedFullWidth(by: UInt64(upperBound)).high)
    }

    /// A random permutation of 0..<count (Fisher-Yates).
    public mutating func permutation(_ count: Int) -> [Int] {
        var result = Array(0..<count)
        guard count > 1 else { return result }
        var words = [UInt32](repeating: 0, count: 2 * (count - 1))
        Backend.current.randomBits(key: seed, offset: advance(words.count), into: &words, count: words.count)
        for i in stride(from: count - 1, to: 0, by: -1) {
            let k = 2 * (count - 1 - i)
            let value = UInt64(words[k]) << 32 | UInt64(words[k + 1])
            let j = Int(value.multipliedFullWidth(by: UInt64(i + 1)).high)
            result.swapAt(i, j)
        }
        return result
    }
}
