import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

/// Spectral normalization and the gradient penalties against PyTorch
/// (`torch.nn.utils.spectral_norm`, WGAN-GP's and R1's formulas), from
/// `Tests/Fixtures/stabilizers.safetensors`.
@Suite struct StabilizerTests {
    static let f = try! Fixtures.load("stabilizers.safetensors")

    static func layer(_ name: String) -> (any SpectrallyNormalizable & UnaryLayer) {
        var rng = RandomGenerator(seed: 0)
        let layer: any SpectrallyNormalizable & UnaryLayer = name == "sn_linear"
            ? Linear(5, 4, generator: &rng) : Conv2d(3, 4, kernelSize: 3, padding: 1, generator: &rng)
        layer.applySpectralNorm(generator: &rng)
        layer.weight.assign(f["\(name).weight_orig"]!)
        layer.namedParameters().first { $0.0 == "bias" }!.1.assign(f["\(name).bias"]!)
        layer.spectralNorm!.u.assign(f["\(name).u0"]!)
        layer.spectralNorm!.v.assign(f["\(name).v0"]!)
        return layer
    }

    @Test(arguments: ["sn_linear", "sn_conv"])
    func spectralNormMatchesPyTorch(_ name: String) {
        let f = Self.f
        let layer = Self.layer(name)
        #expect(Set(layer.stateDict().keys) == ["weight_orig", "bias", "weight_u", "weight_v"], "PyTorch's state_dict names")
        let y = layer(f["\(name).x"]!)
        #expect(relativeError(y, f["\(name).y"]!) < 1e-4, "training-mode forward")
        #expect(relativeError(layer.spectralNorm!.u, f["\(name).u1"]!) < 1e-5, "u after one power iteration")
        #expect(relativeError(layer.spectralNorm!.v, f["\(name).v1"]!) < 1e-5, "v after one power iteration")
        let g = grad(of: (y * f["\(name).w"]!).sum(), wrt: [layer.weight])[0]
        #expect(relativeError(g, f["\(name).grad_weight_orig"]!) < 1e-4, "gradient through σ(W)")
        layer.eval()
        #expect(relativeError(layer(f["\(name).x"]!), f["\(name).y_eval"]!) < 1e-4, "eval mode keeps u and v")
        #expect(relativeError(layer.spectralNorm!.u, f["\(name).u1"]!) < 1e-6, "eval mode runs no power iteration")
    }

    static func critic() throws -> Sequential {
        var rng = RandomGenerator(seed: 0)
        let critic = Sequential(Linear(6, 8, generator: &rng), LeakyReLU(negativeSlope: 0.2), Linear(8, 1, generator: &rng))
        try critic.loadStateDict(["0.weight": f["critic.0.weight"]!, "0.bias": f["critic.0.bias"]!,
                                  "2.weight": f["critic.2.weight"]!, "2.bias": f["critic.2.bias"]!])
        return critic
    }

    @Test func gradientPenaltyAndR1MatchPyTorch() throws {
        let f = Self.f
        let critic = try Self.critic()
        let (gp, gpGrads) = valueAndGrad(critic) {
            Regularizers.gradientPenalty(critic, real: f["critic.real"]!, fake: f["critic.fake"]!, epsilon: f["critic.eps"]!)
        }
        #expect(relativeError(gp, f["critic.gp"]!) < 1e-4)
        let (r1, r1Grads) = valueAndGrad(critic) { Regularizers.gradientNormPenalty(critic, at: f["critic.real"]!, gamma: 10) }
        #expect(relativeError(r1, f["critic.r1"]!) < 1e-4)
        for ((name, _), (g, h)) in zip(critic.namedParameters(), zip(gpGrads, r1Grads)) {
            #expect(relativeError(g, f["critic.gp_grad.\(name)"]!) < 1e-4, "GP gradient for \(name)")
            #expect(relativeError(h, f["critic.r1_grad.\(name)"]!) < 1e-4, "R1 gradient for \(name)")
        }
    }

    @Test func minibatchLayersAddTheirFeatures() {
        var rng = RandomGenerator(seed: 1)
        let x = rng.normal([4, 6])
        let std = MinibatchStdDev()(x)
        #expect(std.shape == [4, 7])
        // Identical samples have no spread: the statistic is √eps.
        #expect(abs(MinibatchStdDev()(Tensor.ones([3, 2, 2, 2])).slice(axis: 1, 2..<3).scalars[0] - 1e-4) < 1e-6)
        let mbd = MinibatchDiscrimination(6, kernels: 5, kernelDimension: 3, generator: &rng)
        let out = mbd(x)
        #expect(out.shape == [4, 11])
        // Four identical samples are each at distance 0 from the three others: exp(0) · 3.
        #expect(mbd(Tensor.ones([4, 6])).slice(axis: 1, 6..<11).scalars.allSatisfy { abs($0 - 3) < 1e-5 })
        let g = grad(of: out.sum(), wrt: [mbd.weight])[0]
        #expect(g.scalars.contains { $0 != 0 })
    }

    @Test func movingAverageAndReplayBuffer() throws {
        var rng = RandomGenerator(seed: 2)
        let model = Linear(2, 2, generator: &rng)
        let ema = try ExponentialMovingAverage(of: model, copy: Linear(2, 2, generator: &rng), decay: 0.9)
        let before = model.weight.copy()
        model.weight.assign(before + 1)
        ema.update()
        #expect(relativeError((ema.average as! Linear).weight, before + 0.1) < 1e-6)

        let replay = ReplayBuffer(capacity: 4, fraction: 0.5, seed: 3)
        let first = replay.mix(Tensor.zeros([4, 2]))
        #expect(first.scalars.allSatisfy { $0 == 0 }, "an empty buffer changes nothing")
        let second = replay.mix(Tensor.ones([4, 2]))
        #expect(second.scalars.filter { $0 == 0 }.count == 4, "half the rows come from the buffer")
    }
}
