import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

/// Every op against PyTorch: forward, gradient and (where the fixture has it) the gradient of
/// the gradient, from `Tests/Fixtures/ops.safetensors` made by `make_fixtures.py`.
@Suite struct OpsFixtureTests {
    typealias Op = (_ inputs: [Tensor], _ constants: [String: Tensor]) -> Tensor

    static let ops: [String: Op] = [
        "add_broadcast": { x, _ in x[0] + x[1] },
        "sub_broadcast": { x, _ in x[0] - x[1] },
        "mul_broadcast": { x, _ in x[0] * x[1] },
        "div_broadcast": { x, _ in x[0] / x[1] },
        "maximum": { x, _ in x[0].maximum(x[1]) },
        "minimum": { x, _ in x[0].minimum(x[1]) },
        "affine": { x, _ in x[0] * 2.5 + 1 },
        "rsub_scalar": { x, _ in 1 - x[0] },
        "rdiv_scalar": { x, _ in 2 / x[0] },
        "neg": { x, _ in -x[0] },
        "matmul_nn": { x, _ in x[0].matmul(x[1]) },
        "matmul_nt": { x, _ in x[0].matmul(x[1], transposeOther: true) },
        "matmul_tn": { x, _ in x[0].matmul(x[1], transposeSelf: true) },
        "matmul_tt": { x, _ in x[0].matmul(x[1], transposeSelf: true, transposeOther: true) },
        "linear": { x, _ in Tensor.linear(x[0], weight: x[1], bias: x[2]) },
        "linear_nobias": { x, _ in Tensor.linear(x[0], weight: x[1], bias: nil) },
        "relu": { x, _ in x[0].relu() },
        "leaky_relu": { x, _ in x[0].leakyReLU(negativeSlope: 0.2) },
        "tanh": { x, _ in x[0].tanh() },
        "tanh_small": { x, _ in x[0].tanh() },
        "sigmoid": { x, _ in x[0].sigmoid() },
        "exp": { x, _ in x[0].exp() },
        "log": { x, _ in x[0].log() },
        "sqrt": { x, _ in x[0].sqrt() },
        "pow2": { x, _ in x[0].pow(2) },
        "pow3": { x, _ in x[0].pow(3) },
        "pow_half": { x, _ in x[0].pow(0.5) },
        "pow_1_7": { x, _ in x[0].pow(1.7) },
        "clamp": { x, _ in x[0].clamp(min: -0.5, max: 0.7) },
        "abs": { x, _ in x[0].abs() },
        "softplus": { x, _ in x[0].softplus() },
        "sum_all": { x, _ in x[0].sum() },
        "sum_axis1_keep": { x, _ in x[0].sum(axis: 1, keepDims: true) },
        "sum_axes02": { x, _ in x[0].sum(axes: [0, 2]) },
        "mean_all": { x, _ in x[0].mean() },
        "mean_axis0": { x, _ in x[0].mean(axis: 0) },
        "reshape": { x, _ in x[0].reshaped([4, 6]) },
        "permute": { x, _ in x[0].permuted([2, 0, 1]) },
        "transpose": { x, _ in x[0].T },
        "concat_axis1": { x, _ in Tensor.concat([x[0], x[1]], axis: 1) },
        "slice_axis1": { x, _ in x[0].slice(axis: 1, 1..<3) },
        "masked_select": { x, c in x[0].masked(by: c["mask"]!) },
        "bce_logits_target": { x, c in x[0].binaryCrossEntropyWithLogits(target: c["target"]!) },
        "bce_logits_ones": { x, _ in x[0].binaryCrossEntropyWithLogits(target: 1) },
        "bce_logits_zeros": { x, _ in x[0].binaryCrossEntropyWithLogits(target: 0) },
        "norm_rows": { x, _ in (x[0].pow(2).sum(axis: 1) + 1e-12).sqrt() },
        "conv_s1_p0": { x, _ in Tensor.conv2d(x[0], weight: x[1], bias: x[2]) },
        "conv_s2_p1_batch1": { x, _ in Tensor.conv2d(x[0], weight: x[1], bias: x[2], stride: (2, 2), padding: (1, 1)) },
        "conv_dilated_nobias": { x, _ in Tensor.conv2d(x[0], weight: x[1], padding: (2, 2), dilation: (2, 2)) },
        "conv_t_s2_p1": { x, _ in Tensor.convTranspose2d(x[0], weight: x[1], bias: x[2], stride: (2, 2), padding: (1, 1)) },
        "conv_t_output_padding_batch1": { x, _ in
            Tensor.convTranspose2d(x[0], weight: x[1], stride: (2, 2), padding: (1, 1), outputPadding: (1, 1))
        },
        "conv_t_k7_from_1x1": { x, _ in Tensor.convTranspose2d(x[0], weight: x[1]) },
        "conv_t_dilated": { x, _ in Tensor.convTranspose2d(x[0], weight: x[1], bias: x[2], padding: (1, 1), dilation: (2, 2)) },
        "batch_norm2d_train": { x, _ in Tensor.batchNorm(x[0], runningMean: nil, runningVar: nil, weight: x[1], bias: x[2], training: true) },
        "batch_norm1d_train": { x, _ in Tensor.batchNorm(x[0], runningMean: nil, runningVar: nil, weight: x[1], bias: x[2], training: true) },
        "batch_norm2d_eval": { x, c in
            Tensor.batchNorm(x[0], runningMean: c["running_mean"]!, runningVar: c["running_var"]!, weight: x[1], bias: x[2], training: false)
        },
        "layer_norm": { x, _ in Tensor.layerNorm(x[0], normalizedRank: 2, weight: x[1], bias: x[2]) },
        "instance_norm": { x, _ in Tensor.instanceNorm(x[0], weight: x[1], bias: x[2]) },
        "avg_pool_k2": { x, _ in x[0].avgPool2d(kernel: (2, 2)) },
        "avg_pool_k3_s2_p1": { x, _ in x[0].avgPool2d(kernel: (3, 3), stride: (2, 2), padding: (1, 1)) },
        "avg_pool_exclude_pad_ceil": { x, _ in
            x[0].avgPool2d(kernel: (3, 3), stride: (2, 2), padding: (1, 1), ceilMode: true, countIncludePad: false)
        },
        "max_pool_k2": { x, _ in x[0].maxPool2d(kernel: (2, 2)) },
        "max_pool_k3_s2_p1": { x, _ in x[0].maxPool2d(kernel: (3, 3), stride: (2, 2), padding: (1, 1)) },
        "upsample_nearest_x2": { x, _ in x[0].upsample(scale: (2, 2)) },
        "upsample_bilinear_x2": { x, _ in x[0].upsample(scale: (2, 2), mode: .bilinear) },
        "upsample_bilinear_x1_5": { x, _ in x[0].upsample(scale: (1.5, 1.5), mode: .bilinear) },
        "upsample_bilinear_size": { x, _ in x[0].upsample(size: (7, 9), mode: .bilinear) },
        "embedding": { x, _ in x[0].embeddingLookup([3, 0, 3, 2]) },
        "flatten": { x, _ in Flatten()(x[0]) },
        "concat_channels": { x, _ in Tensor.concat([x[0], x[1]], axis: 1) },
    ]

    static let fixture = try! Fixtures.load("ops.safetensors")
    static let caseNames: [String] = Set(fixture.keys.filter { $0.hasSuffix(".out") }.map { String($0.dropLast(4)) }).sorted()

    /// Fixture entries other than inputs, output, weights and gradients (`in0`, `out`, `w`,
    /// `grad0`, `v0`, `gg0`) are constants such as masks and targets.
    static func isConstant(_ suffix: String) -> Bool {
        let stem = suffix.trimmingCharacters(in: .decimalDigits)
        let numbered = stem.count < suffix.count
        return !(suffix == "out" || suffix == "w" || (numbered && ["in", "grad", "v", "gg"].contains(stem)))
    }

    @Test func everyFixtureCaseHasAnOp() {
        let missing = Self.caseNames.filter { Self.ops[$0] == nil }
        #expect(missing.isEmpty, "fixture cases without a Swift op: \(missing)")
        #expect(Self.caseNames.count == Self.ops.count)
    }

    @Test(arguments: caseNames)
    func agreesWithPyTorch(_ name: String) throws {
        let f = Self.fixture
        guard let op = Self.ops[name] else { return }
        var inputs: [Tensor] = []
        while let t = f["\(name).in\(inputs.count)"] { inputs.append(Tensor(t.scalars, shape: t.shape, requiresGrad: true)) }
        let prefix = "\(name)."
        let constants = Dictionary(uniqueKeysWithValues: f.compactMap { key, value -> (String, Tensor)? in
            guard key.hasPrefix(prefix) else { return nil }
            let suffix = String(key.dropFirst(prefix.count))
            return Self.isConstant(suffix) ? (suffix, value) : nil
        })

        let out = op(inputs, constants)
        #expect(relativeError(out, f["\(name).out"]!) < 1e-4, "\(name) forward")

        let grads = grad(of: (out * f["\(name).w"]!).sum(), wrt: inputs, createGraph: true)
        for (i, g) in grads.enumerated() {
            #expect(relativeError(g, f["\(name).grad\(i)"]!) < 1e-4, "\(name) gradient of input \(i)")
        }
        guard f["\(name).v0"] != nil else { return }
        let second = grads.enumerated().map { i, g in (g * f["\(name).v\(i)"]!).sum() }.reduce(Tensor(scalar: 0), +)
        let hessianProducts = grad(of: second, wrt: inputs)
        for (i, h) in hessianProducts.enumerated() {
            #expect(relativeError(h, f["\(name).gg\(i)"]!) < 1e-4, "\(name) second-order gradient of input \(i)")
        }
    }

    /// WGAN-GP's penalty on a two-layer critic: the value and its gradient with respect to the
    /// critic's weights, through a gradient taken with `createGraph`.
    @Test func gradientPenaltyMatchesPyTorch() {
        let f = Self.fixture
        let x = Tensor(f["gp.x"]!.scalars, shape: f["gp.x"]!.shape, requiresGrad: true)
        let params = ["w1", "b1", "w2", "b2"].map { Tensor(f["gp.\($0)"]!.scalars, shape: f["gp.\($0)"]!.shape, requiresGrad: true) }
        let hidden = Tensor.linear(x, weight: params[0], bias: params[1]).leakyReLU(negativeSlope: 0.2)
        let critic = Tensor.linear(hidden, weight: params[2], bias: params[3])
        let gx = grad(of: critic.sum(), wrt: [x], createGraph: true)[0]
        let norms = gx.pow(2).sum(axis: 1).sqrt()
        let penalty = (norms - 1).pow(2).mean()
        #expect(relativeError(penalty, f["gp.value"]!) < 1e-4)
        let gradients = grad(of: penalty, wrt: params)
        for (name, g) in zip(["w1", "b1", "w2", "b2"], gradients) {
            #expect(relativeError(g, f["gp.grad_\(name)"]!) < 1e-4, "penalty gradient for \(name)")
        }
    }
}
