import SwiftGAN
import SwiftGANTestSupport
import Testing

@Suite struct ModuleTests {
    @Test func parametersAreNamedLikePyTorchStateDict() {
        var rng = RandomGenerator(seed: 0)
        let g = MLPGenerator(generator: &rng)
        #expect(g.namedParameters().map(\.0) == ["net.0.weight", "net.0.bias", "net.2.weight", "net.2.bias",
                                                   "net.4.weight", "net.4.bias"])
        #expect(g.namedParameters().map(\.1.shape) == [[256, 64], [256], [512, 256], [512], [784, 512], [784]])
        let d = MLPDiscriminator(generator: &rng)
        #expect(d.parameterCount == 784 * 512 + 512 + 512 * 256 + 256 + 256 + 1)
    }

    @Test func linearInitializationFollowsPyTorchBounds() {
        var rng = RandomGenerator(seed: 5)
        let layer = Linear(400, 300, generator: &rng)
        let bound: Float = 1 / 20
        let w = layer.weight.scalars, b = layer.bias!.scalars
        #expect(w.allSatisfy { abs($0) <= bound } && b.allSatisfy { abs($0) <= bound })
        // U(-a, a) has standard deviation a / √3.
        let std = (w.map { Double($0 * $0) }.reduce(0, +) / Double(w.count)).squareRoot()
        #expect(abs(std - Double(bound) / 3.0.squareRoot()) < 1e-3)
    }

    @Test func trainAndEvalPropagate() {
        let net = Sequential(Linear(2, 2), ReLU(), Sequential(Linear(2, 1)))
        net.eval()
        #expect(!net.training && net.layers.allSatisfy { !$0.training })
        net.train()
        #expect(net.layers.allSatisfy { $0.training })
    }

    @Test func loadStateDictRejectsWrongShapesAndKeys() throws {
        let net = Sequential(Linear(3, 2))
        #expect(throws: SerializationError.self) { try net.loadStateDict(["0.weight": Tensor.zeros([2, 3])]) }
        #expect(throws: SerializationError.self) {
            try net.loadStateDict(["0.weight": Tensor.zeros([3, 2]), "0.bias": Tensor.zeros([2])])
        }
        try net.loadStateDict(["0.weight": Tensor.ones([2, 3]), "0.bias": Tensor.zeros([2])])
        #expect(net(Tensor([[1, 2, 3]])).scalars == [6, 6])
    }
}
