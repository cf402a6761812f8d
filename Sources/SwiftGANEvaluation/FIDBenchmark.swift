import Foundation
import SwiftGANEngine

/// Times FID end to end (statistics of both sets, eigen-decompositions) on random features.
public enum FIDBenchmark {
    public static func run(samples: Int, dimension: Int) throws -> Double {
        var rng = RandomGenerator(seed: 9)
        let a = rng.normal([samples, dimension]), b = rng.normal([samples, dimension], mean: 0.1, std: 1.1)
        let t0 = DispatchTime.now().uptimeNanoseconds
        _ = try FrechetDistance.compute(real: a, fake: b)
        return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
    }
}
