import SwiftGAN
import SwiftGANTestSupport
import Testing

/// Three steps of each optimizer against `torch.optim` from the same start and gradients.
@Suite struct OptimizerTests {
    static let f = try! Fixtures.load("optimizers.safetensors")

    static let optimizers: [String: (Tensor) -> any Optimizer] = [
        "adam": { Adam(parameters: [$0], learningRate: 0.01, betas: (0.5, 0.999), eps: 1e-8) },
        "adam_wd": { Adam(parameters: [$0], learningRate: 0.01, betas: (0.9, 0.99), eps: 1e-6, weightDecay: 0.1) },
        "sgd": { SGD(parameters: [$0], learningRate: 0.1) },
        "sgd_momentum": { SGD(parameters: [$0], learningRate: 0.1, momentum: 0.9, dampening: 0.1, weightDecay: 0.01) },
        "sgd_nesterov": { SGD(parameters: [$0], learningRate: 0.1, momentum: 0.9, nesterov: true) },
        "rmsprop": { RMSprop(parameters: [$0], learningRate: 0.01) },
        "rmsprop_centered_momentum": {
            RMSprop(parameters: [$0], learningRate: 0.01, alpha: 0.9, weightDecay: 0.01, momentum: 0.5, centered: true)
        },
    ]

    @Test(arguments: optimizers.keys.sorted())
    func matchesTorchOptim(_ name: String) {
        let p = Self.f["p0"]!.copy()
        p.requiresGrad = true
        let optimizer = Self.optimizers[name]!(p)
        for step in 1...3 {
            p.grad = Self.f["grad\(step - 1)"]!
            optimizer.step()
            #expect(relativeError(p, Self.f["\(name).step\(step)"]!) < 1e-5, "\(name) after step \(step)")
        }
    }

    @Test func stateRoundTripsForResume() throws {
        let p = Self.f["p0"]!.copy(), q = Self.f["p0"]!.copy()
        let a = Adam(parameters: [p], learningRate: 0.01), b = Adam(parameters: [q], learningRate: 0.01)
        a.update([Self.f["grad0"]!])
        b.update([Self.f["grad0"]!])
        let restored = Adam(parameters: [q], learningRate: 0.01)
        try restored.loadStateTensors(b.stateTensors())
        a.update([Self.f["grad1"]!])
        restored.update([Self.f["grad1"]!])
        #expect(p.scalars == q.scalars)
    }
}
