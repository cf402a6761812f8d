import SwiftGAN
import SwiftGANTestSupport
import Testing

@Suite struct AutogradTests {
    /// An op that records which of its inputs' gradients the backward pass asked for.
    final class NeedsProbe {
        var requests: [[Bool]] = []
        func apply(_ a: Tensor, _ b: Tensor) -> Tensor {
            let out = a * b
            return Tensor.record(out.detached(), op: "probe", inputs: [a, b]) { [self] g, _, needs in
                requests.append(needs)
                return [needs[0] ? g * b : nil, needs[1] ? g * a : nil]
            }
        }
    }

    @Test func onlyRequestedGradientsAreComputed() {
        let probe = NeedsProbe()
        let x = Tensor([1, 2, 3], requiresGrad: true)
        let w = Tensor([4, 5, 6], requiresGrad: true)
        let loss = probe.apply(x, w).sum()
        let gx = grad(of: loss, wrt: [x])[0]
        #expect(gx.scalars == [4, 5, 6])
        #expect(probe.requests == [[true, false]], "the weight's gradient must not be asked for")
    }

    @Test func generatorStepDoesNotComputeDiscriminatorWeightGradients() {
        var rng = RandomGenerator(seed: 1)
        let g = Linear(4, 3, generator: &rng)
        let d = Linear(3, 1, generator: &rng)
        let (_, grads) = valueAndGrad(g) { d(g(rng.normal([2, 4]))).sum() }
        #expect(grads.count == 2)
        #expect(d.weight.grad == nil && d.bias?.grad == nil)
    }

    @Test func noGradScopeRecordsNothing() {
        let x = Tensor([1, 2], requiresGrad: true)
        let y = withNoGrad { (x * 3).tanh() }
        #expect(y.operationName == nil && !y.isTracked)
        #expect((x * 3).operationName == "affine")
    }

    @Test func backwardAccumulatesIntoLeaves() {
        let x = Tensor([1, -2], requiresGrad: true)
        (x * x).sum().backward()
        (x * 2).sum().backward()
        #expect(x.grad?.scalars == [4, -2])
    }

    @Test func unusedInputsGetZeroGradients() {
        let x = Tensor([1, 2], requiresGrad: true)
        let unused = Tensor([3], requiresGrad: true)
        let grads = grad(of: x.sum(), wrt: [x, unused])
        #expect(grads[1].scalars == [0])
    }

    @Test func reusedTensorsSumTheirGradients() {
        let x = Tensor([3], requiresGrad: true)
        let y = x * x + x  // dy/dx = 2x + 1
        #expect(grad(of: y.sum(), wrt: [x])[0].scalars == [7])
    }

    @Test func thirdOrderGradients() {
        let x = Tensor([0.5, -1.5], requiresGrad: true)
        let g1 = grad(of: x.pow(4).sum(), wrt: [x], createGraph: true)[0]   // 4x^3
        let g2 = grad(of: g1.sum(), wrt: [x], createGraph: true)[0]         // 12x^2
        let g3 = grad(of: g2.sum(), wrt: [x])[0]                            // 24x
        #expect(relativeError(g3, Tensor([12, -36])) < 1e-5)
    }

    /// Central finite differences on a composite that no fixture covers.
    @Test func compositeMatchesFiniteDifferences() {
        var rng = RandomGenerator(seed: 9)
        let a = rng.normal([3, 4])
        let b = rng.normal([4, 2])
        func f(_ a: Tensor) -> Tensor {
            let h = a.matmul(b).sigmoid()
            return (Tensor.concat([h, h.exp()], axis: 1).slice(axis: 1, 1..<4) / (h.sum(axis: 0) + 2).pow(1.5).sum()).mean()
        }
        let input = Tensor(a.scalars, shape: a.shape, requiresGrad: true)
        let analytic = grad(of: f(input), wrt: [input])[0].scalars
        let eps: Float = 1e-2
        for i in 0..<a.count {
            var plus = a.scalars, minus = a.scalars
            plus[i] += eps; minus[i] -= eps
            let numeric = (f(Tensor(plus, shape: a.shape)).item - f(Tensor(minus, shape: a.shape)).item) / (2 * eps)
            #expect(abs(numeric - analytic[i]) < 2e-3 * max(1, abs(numeric)), "element \(i): \(numeric) vs \(analytic[i])")
        }
    }
}
