import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

/// The ops BigGAN adds or uses at new shapes, against PyTorch (`biggan_layers.safetensors` from
/// `make_biggan_fixtures.py`): `bmm` with every transpose and at the attention's shapes, softmax
/// over the last axis, pooling and nearest upsampling at 28, 14 and 7; forward, gradient and
/// second order.
@Suite struct BatchedMatmulTests {
    static let fixture = try! Fixtures.load("biggan_layers.safetensors")

    static let ops: [String: ([Tensor]) -> Tensor] = [
        "bmm_nn": { $0[0].bmm($0[1]) },
        "bmm_tn": { $0[0].bmm($0[1], transposeSelf: true) },
        "bmm_nt": { $0[0].bmm($0[1], transposeOther: true) },
        "bmm_tt": { $0[0].bmm($0[1], transposeSelf: true, transposeOther: true) },
        "bmm_attention_scores": { $0[0].bmm($0[1], transposeSelf: true) },
        "bmm_attention_values": { $0[0].bmm($0[1], transposeOther: true) },
        "softmax_last": { $0[0].softmax(axis: -1) },
        "avg_pool_28": { $0[0].avgPool2d(kernel: (2, 2)) },
        "avg_pool_14": { $0[0].avgPool2d(kernel: (2, 2)) },
        "max_pool_14": { $0[0].maxPool2d(kernel: (2, 2)) },
        "upsample_nearest_7": { $0[0].upsample(scale: (2, 2)) },
        "upsample_nearest_14": { $0[0].upsample(scale: (2, 2)) },
    ]

    @Test(arguments: ops.keys.sorted())
    func agreesWithPyTorch(_ name: String) {
        let failures = OpFixtureCase.check(name, in: Self.fixture, Self.ops[name]!)
        #expect(failures.isEmpty, "\(failures)")
    }

    /// A batch is its matrices one by one: each slice of a bmm is the 2-D matmul of the slices.
    @Test func eachBatchEntryIsItsOwnMatrixProduct() {
        var rng = RandomGenerator(seed: 5)
        let a = rng.normal([7, 6, 3]), b = rng.normal([7, 5, 6])
        let c = a.bmm(b, transposeSelf: true, transposeOther: true)
        #expect(c.shape == [7, 3, 5])
        for i in 0..<7 {
            let expected = a.slice(axis: 0, i..<(i + 1)).reshaped([6, 3]).matmul(b.slice(axis: 0, i..<(i + 1)).reshaped([5, 6]),
                                                                                 transposeSelf: true, transposeOther: true)
            #expect(relativeError(c.slice(axis: 0, i..<(i + 1)).reshaped([3, 5]), expected) < 1e-6, "batch entry \(i)")
        }
    }

    /// Shape-only maps are cached by geometry, so another batch size or channel count of the same
    /// plane size must still pool its own planes.
    @Test func cachedPoolingTablesServeEveryBatchAndChannelCount() {
        var rng = RandomGenerator(seed: 9)
        for shape in [[2, 3, 6, 6], [5, 1, 6, 6], [1, 4, 6, 6]] {
            let x = rng.normal(shape)
            let pooled = x.avgPool2d(kernel: (2, 2)), up = x.upsample(scale: (2, 2))
            let v = x.scalars, p = pooled.scalars, u = up.scalars
            for plane in 0..<(shape[0] * shape[1]) {
                let base = plane * 36
                let first = (v[base] + v[base + 1] + v[base + 6] + v[base + 7]) / 4
                #expect(abs(p[plane * 9] - first) < 1e-6, "average of plane \(plane)'s first window, shape \(shape)")
                #expect(u[plane * 144 + 12 * 11 + 11] == v[base + 6 * 5 + 5], "nearest of plane \(plane)'s last pixel, shape \(shape)")
            }
        }
    }
}
