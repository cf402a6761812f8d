import SwiftGAN
import SwiftGANTestSupport
import Testing

/// Instance norm runs batch norm's fused kernels on the [1, n·c, spatial] view; its first-order
/// backward (the fused kernel, which the fixture's second-order check does not reach) equals the
/// gradient of the op written out, at the sizes the translation models use.
@Suite struct InstanceNormTests {
    @Test(arguments: [[2, 3, 4, 5], [4, 256, 2, 2], [4, 128, 8, 8], [2, 64, 32, 32], [3, 256, 7, 7]])
    func fusedBackwardEqualsTheComposite(_ shape: [Int]) {
        var rng = RandomGenerator(seed: 4)
        let x = rng.normal(shape) * 3 + 0.5
        let w = rng.normal(shape)
        let leaf = Tensor(x.scalars, shape: shape, requiresGrad: true)
        let fused = grad(of: (Tensor.instanceNorm(leaf, weight: nil, bias: nil) * w).sum(), wrt: [leaf])[0]
        let axes = [2, 3]
        let centered = leaf - leaf.mean(axes: axes, keepDims: true)
        let composite = centered * ((centered * centered).mean(axes: axes, keepDims: true) + 1e-5).pow(-0.5)
        let reference = grad(of: (composite * w).sum(), wrt: [leaf])[0]
        #expect(relativeError(withNoGrad { Tensor.instanceNorm(x, weight: nil, bias: nil) }, withNoGrad { composite.detached() }) < 1e-5)
        #expect(relativeError(fused, reference) < 1e-4)
    }
}
