import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

/// The fused resampling convolutions equal the ops they replace, the unfused composition, in
/// value, gradient (input, weight, bias) and second order, at odd and even sizes and with more
/// output than input channels and fewer. (BigGAN's blocks use them; its fixtures compare them
/// with PyTorch through the whole model.)
@Suite struct ResampledConvolutionTests {
    typealias Op = (Tensor, Tensor, Tensor) -> Tensor

    static let fused: [String: Op] = [
        "upsampled": { Tensor.conv2dOfUpsampled($0, weight: $1, bias: $2) },
        "pooled": { Tensor.avgPooledConv2d($0, weight: $1, bias: $2) },
    ]
    static let unfused: [String: Op] = [
        "upsampled": { Tensor.conv2d($0.upsample(scale: (2, 2)), weight: $1, bias: $2, padding: (1, 1)) },
        "pooled": { Tensor.conv2d($0, weight: $1, bias: $2, padding: (1, 1)).avgPool2d(kernel: (2, 2)) },
    ]

    /// Value, first-order gradients of a weighted sum, and the gradients of the squared norm of
    /// the input gradient (the R1 penalty's shape) for one op.
    static func outputs(_ op: Op, x: Tensor, weight: Tensor, bias: Tensor, probe: (Int) -> Tensor) -> [Tensor] {
        let xx = Tensor(x.scalars, shape: x.shape, requiresGrad: true), w = Tensor(weight.scalars, shape: weight.shape, requiresGrad: true)
        let b = Tensor(bias.scalars, shape: bias.shape, requiresGrad: true)
        let y = op(xx, w, b)
        let first = grad(of: (y * probe(y.count).reshaped(y.shape)).sum(), wrt: [xx, w, b], createGraph: true)
        let second = grad(of: first[0].pow(2).sum(), wrt: [w, b])
        return [y] + first + second
    }

    @Test(arguments: ["upsampled", "pooled"], [([2, 3, 5, 4], 4), ([3, 6, 6, 8], 2), ([4, 128, 7, 7], 64)])
    func equalsTheUnfusedOps(_ name: String, _ geometry: ([Int], Int)) {
        var rng = RandomGenerator(seed: 11)
        var shape = geometry.0
        if name == "pooled" { shape[2] += shape[2] % 2; shape[3] += shape[3] % 2 }
        let x = rng.normal(shape), weight = rng.normal([geometry.1, shape[1], 3, 3]), bias = rng.normal([geometry.1])
        let probe = { (n: Int) in var r = RandomGenerator(seed: 99); return r.normal([n]) }
        let got = Self.outputs(Self.fused[name]!, x: x, weight: weight, bias: bias, probe: probe)
        let want = Self.outputs(Self.unfused[name]!, x: x, weight: weight, bias: bias, probe: probe)
        let labels = ["value", "d/dx", "d/dweight", "d/dbias", "second order d/dweight", "second order d/dbias"]
        for (label, (g, w)) in zip(labels, zip(got, want)) {
            #expect(g.shape == w.shape, "\(name) \(label) shape")
            if g.shape == w.shape { #expect(relativeError(g, w) < 1e-5, "\(name) \(label), input \(shape)") }
        }
    }
}
