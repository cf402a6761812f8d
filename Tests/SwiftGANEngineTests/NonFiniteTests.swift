import SwiftGAN
import SwiftGANTestSupport
import Testing

/// NaN and infinity go through activations, clamps, extrema and pooling as in PyTorch, so a
/// diverging run shows NaN rather than silently turning it into zeros.
@Suite struct NonFiniteTests {
    @Test func reluKeepsNaNAndInfinity() {
        let y = Tensor([.nan, -.infinity, .infinity, -1, 0, 2]).relu().scalars
        #expect(y[0].isNaN, "torch.relu(nan) is nan, got \(y[0])")
        #expect(Array(y[1...]) == [0, .infinity, 0, 0, 2])
        #expect(ReLU()(Tensor([.nan])).item.isNaN)
    }

    @Test func otherActivationsClampsExtremaAndPoolingKeepNaN() {
        #expect(Tensor([.nan]).leakyReLU(negativeSlope: 0.2).item.isNaN)
        #expect(Tensor([.nan]).clamp(min: -1, max: 1).item.isNaN)
        let nan = Tensor([.nan, 1]), one = Tensor([1, .nan])
        #expect(nan.maximum(one).scalars.allSatisfy { $0.isNaN }, "torch.maximum propagates NaN from either side")
        #expect(nan.minimum(one).scalars.allSatisfy { $0.isNaN }, "torch.minimum propagates NaN from either side")
        let pooled = Tensor([1, .nan, 3, 4], shape: [1, 1, 2, 2]).maxPool2d(kernel: (2, 2))
        #expect(pooled.item.isNaN)
    }

    @Test func gradientsOfFiniteInputsAreUnchanged() {
        let x = Tensor([-2, -0.5, 0, 0.5, 3], requiresGrad: true)
        #expect(grad(of: x.relu().sum(), wrt: [x])[0].scalars == [0, 0, 0, 1, 1])
        #expect(grad(of: x.leakyReLU(negativeSlope: 0.1).sum(), wrt: [x])[0].scalars == [0.1, 0.1, 0.1, 1, 1])
        let a = Tensor([1, 5, -3], requiresGrad: true), b = Tensor([2, 4, -3], requiresGrad: true)
        let grads = grad(of: a.maximum(b).sum(), wrt: [a, b])
        #expect(grads[0].scalars.prefix(2) == [0, 1] && grads[1].scalars.prefix(2) == [1, 0])
        #expect(grads[0].scalars[2] + grads[1].scalars[2] == 1, "a tie sends the gradient to one side or splits it")
        #expect(Tensor([-2, 0.5, 3]).relu().scalars == [0, 0.5, 3])
    }
}
