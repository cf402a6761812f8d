import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

/// ADA: the augmentation pipeline against PyTorch (forward, backward and double backward, for
/// 1 and 3 channels, from given per-sample parameters), the blit transforms exactly, the
/// probabilities of the draws, and the overfitting heuristic that moves p.
@Suite struct AugmentPipelineTests {
    /// The per-sample parameters of make_ada_fixtures.py.
    func fixtureParameters(_ f: [String: Tensor], shape: [Int]) -> AugmentPipeline.Parameters {
        var p = AugmentPipeline.Parameters(batch: shape[0], channels: shape[1], height: shape[2], width: shape[3])
        func values(_ key: String) -> [Double] { f[key]!.scalars.map(Double.init) }
        (p.flip, p.quarterTurns, p.shiftX, p.shiftY) = (values("flip"), values("quarter_turns"), values("shift_x"), values("shift_y"))
        (p.scale, p.rotationBefore, p.aniso, p.rotationAfter) = (values("scale"), values("rotation_before"), values("aniso"), values("rotation_after"))
        (p.fractionX, p.fractionY) = (values("fraction_x"), values("fraction_y"))
        (p.brightness, p.contrast, p.lumaFlip) = (values("brightness"), values("contrast"), values("luma_flip"))
        if shape[1] == 3 { (p.hue, p.saturation) = (values("hue"), values("saturation")) }
        return p
    }

    @Test(arguments: [1, 3])
    func matchesPyTorchForwardBackwardAndDoubleBackward(channels: Int) throws {
        let f = try Fixtures.load("ada_augment.safetensors")
        let x = f["c\(channels).x"]!, w = f["c\(channels).w"]!, v = f["c\(channels).v"]!
        let p = fixtureParameters(f, shape: x.shape)
        let input = x.copy()
        input.requiresGrad = true
        let y = AugmentPipeline.apply(input, p)
        #expect(relativeError(y, f["c\(channels).y"]!) < 1e-5, "forward")
        #expect(relativeError(grad(of: (w * y).sum(), wrt: [input])[0], f["c\(channels).grad"]!) < 1e-5, "backward")
        let y2 = AugmentPipeline.apply(input, p)
        let first = grad(of: (w * y2 * y2).sum(), wrt: [input], createGraph: true)[0]
        #expect(relativeError(grad(of: (v * first).sum(), wrt: [input])[0], f["c\(channels).grad2"]!) < 1e-5, "double backward")
    }

    /// x-flip, quarter turns and integer shifts move whole pixels: the warp is a permutation
    /// (with reflection at the borders), no blending.
    @Test func blitTransformsMoveWholePixels() {
        let (h, w) = (4, 5)
        let x = Tensor((0..<(h * w)).map(Float.init), shape: [1, 1, h, w])
        let at = { (t: Tensor, i: Int, j: Int) in t.scalars[i * w + j] }
        let flipped = AugmentPipeline.warp(x, inverse: [.scale(-1, 1)])
        #expect((0..<h).allSatisfy { i in (0..<w).allSatisfy { j in at(flipped, i, j) == at(x, i, w - 1 - j) } })
        // Output (i, j) shows input (i, j + 1): the image moves one pixel left; the last column reflects.
        let shifted = AugmentPipeline.warp(x, inverse: [.translation(1, 0)])
        #expect((0..<h).allSatisfy { i in (0..<(w - 1)).allSatisfy { j in at(shifted, i, j) == at(x, i, j + 1) } })
        #expect((0..<h).allSatisfy { i in at(shifted, i, w - 1) == at(x, i, w - 2) }, "reflection, the edge pixel not repeated")
        let square = Tensor((0..<16).map(Float.init), shape: [1, 1, 4, 4])
        let turned = AugmentPipeline.warp(square, inverse: [.rotation(Double.pi / 2)])
        #expect(Set(turned.scalars) == Set(square.scalars), "a quarter turn permutes the pixels")
        let back = AugmentPipeline.warp(turned, inverse: [.rotation(-Double.pi / 2)])
        #expect(back.scalars.elementsEqual(square.scalars) { abs($0 - $1) < 1e-4 })
        #expect(AugmentPipeline.reflected(-1, size: 5) == 1 && AugmentPipeline.reflected(5, size: 5) == 3
                && AugmentPipeline.reflected(-9, size: 5) == 1 && AugmentPipeline.reflected(0, size: 1) == 0)
    }

    /// At p 0 nothing is transformed; at p 1 the geometric group moves every sample; at p 0.5
    /// a grayscale image keeps its colours with probability 0.5 · 0.5 · 0.75 (brightness and
    /// contrast off, and the luma flip either off or drawn as 0).
    @Test func drawsEachTransformWithProbabilityP() throws {
        var rng = RandomGenerator(seed: 1)
        let bgc = try AugmentPipeline(parsing: "bgc")
        let none = bgc.draw(batch: 64, channels: 3, height: 8, width: 8, p: 0, generator: &rng)
        #expect(none.geometry == nil && none.color == nil)
        let x = rng.normal([64, 3, 8, 8])
        #expect(AugmentPipeline.apply(x, none).scalars == x.scalars)
        let geom = try AugmentPipeline(parsing: "geom").draw(batch: 200, channels: 1, height: 8, width: 8, p: 1, generator: &rng)
        #expect(geom.geometry!.allSatisfy { $0 != .identity } && geom.color == nil)
        let n = 4000
        let color = try AugmentPipeline(parsing: "color").draw(batch: n, channels: 1, height: 8, width: 8, p: 0.5, generator: &rng)
        #expect(color.hue.isEmpty && color.saturation.isEmpty, "hue and saturation are for RGB")
        let unchanged = Double(color.color!.filter { $0 == .identity }.count) / Double(n)
        #expect(abs(unchanged - 0.1875) < 0.03, "identity share \(unchanged)")
        #expect(throws: ConfigError.self) { try AugmentPipeline(parsing: "bgcfnc") }
        #expect(try AugmentPipeline(parsing: "bg").description == "bg")
    }

    /// p moves by batch · 4 / (kimg · 1000) every 4 steps towards r_t = target, stays in
    /// [0, 1], and its state survives a checkpoint.
    @Test func heuristicMovesPTowardsTheTarget() throws {
        var ada = AdaptiveAugmentation(pipeline: try AugmentPipeline(parsing: "bgc"), target: 0.6, kimg: 1)
        ada.record(realScores: Tensor([1, 2, -1, 3], shape: [4, 1]))           // r_t 0.5 < 0.6
        #expect(ada.adjust(afterSteps: 3, batch: 4) == nil, "only every 4 steps")
        #expect(ada.adjust(afterSteps: 4, batch: 4) == 0.5 && ada.p == 0, "p does not go below 0")
        ada.record(realScores: Tensor([1, 2, 0.5, 3], shape: [4, 1]))          // r_t 1 > 0.6
        #expect(ada.adjust(afterSteps: 8, batch: 4) == 1 && abs(ada.p - 0.016) < 1e-7)
        ada.record(realScores: Tensor([1, 1], shape: [2, 1]))
        var restored = AdaptiveAugmentation(pipeline: ada.pipeline, target: 0.6, kimg: 1)
        try restored.restore(ada.stateTensors)
        #expect(restored.p == ada.p && restored.signSum == 2 && restored.signCount == 2)
        #expect(throws: ConfigError.self) { try restored.restore(["ada_p": Tensor([0.1, 0.2], shape: [2])]) }
        for _ in 0..<100 { ada.record(realScores: Tensor([1], shape: [1])); _ = ada.adjust(afterSteps: 4, batch: 1000) }
        #expect(ada.p == 1, "p stays at most 1")
        var fixed = AdaptiveAugmentation(pipeline: ada.pipeline, initialP: 0.3, target: nil)
        fixed.record(realScores: Tensor([1], shape: [1]))
        #expect(fixed.adjust(afterSteps: 4, batch: 4) == nil && fixed.p == 0.3, "no target: p is fixed")
    }
}
