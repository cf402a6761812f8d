import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

/// Progressive growing: the schedule, and that a fade starts exactly where the previous level
/// left off (α 0 is the previous level at full strength) for both networks.
@Suite struct ProgressiveGANTests {
    @Test func scheduleGrowsEveryFadeAndStopsAtTheTop() {
        let stages = [0, 15, 16, 20, 32, 48, 56, 64, 80, 88, 96, 500].map { GrowthStage.after(images: $0, fadeImages: 16, maximumLevel: 3) }
        #expect(stages.map(\.level) == [0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3])
        #expect(stages.map(\.alpha) == [1, 1, 0, 0.25, 1, 0, 0.5, 1, 0, 0.5, 1, 1])
    }

    @Test func aFadeStartsWhereThePreviousLevelLeftOff() {
        var rng = RandomGenerator(seed: 4)
        let g = ProgressiveGenerator(generator: &rng), d = ProgressiveDiscriminator(generator: &rng)
        let z = rng.normal([4, 128]), x = rng.uniform([4, 1, 32, 32], low: -1, high: 1)
        for level in 1...3 {
            func outputs(_ stage: GrowthStage) -> (Tensor, Tensor) {
                g.stage = stage
                d.stage = stage
                return withNoGrad { (g(z), d(x)) }
            }
            let (gPrevious, dPrevious) = outputs(GrowthStage(level: level - 1, alpha: 1))
            let (gStart, dStart) = outputs(GrowthStage(level: level, alpha: 0))
            let (gHalf, _) = outputs(GrowthStage(level: level, alpha: 0.5))
            let (gFull, _) = outputs(GrowthStage(level: level, alpha: 1))
            #expect(gStart.shape == [4, 1, 32, 32])
            #expect(relativeError(gStart, gPrevious) < 1e-6, "level \(level): G at α 0 is level \(level - 1)")
            #expect(relativeError(dStart, dPrevious) < 1e-5, "level \(level): D at α 0 is level \(level - 1)")
            #expect(relativeError(gHalf, (gStart + gFull) * 0.5) < 1e-5, "level \(level): α blends the two paths")
            #expect(relativeError(gFull, gStart) > 1e-3, "level \(level) adds detail")
        }
        #expect(g.namedBuffers().map(\.0) == ["level", "alpha"], "the stage is saved with the weights")
    }
}
