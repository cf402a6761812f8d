import SwiftGAN

/// An op or layer case of a fixture file written like `ops.safetensors` (`make_fixtures.py`,
/// `make_biggan_fixtures.py`): inputs `NAME.in0`…, output `NAME.out`, output weights `NAME.w`,
/// the gradients of Σ out·w `NAME.grad0`…, and optionally directions `NAME.v0`… with the
/// gradients of Σ_i grad_i·v_i `NAME.gg0`… (second order).
public enum OpFixtureCase {
    /// The case's inputs, as leaves that require grad.
    public static func inputs(_ name: String, in fixture: [String: Tensor]) -> [Tensor] {
        var inputs: [Tensor] = []
        while let t = fixture["\(name).in\(inputs.count)"] { inputs.append(Tensor(t.scalars, shape: t.shape, requiresGrad: true)) }
        return inputs
    }

    /// Runs `op` on the case's inputs (or on `leaves` standing for them, such as a layer's
    /// weights loaded from the inputs) and compares its output, gradients and second-order
    /// gradients with the fixture's; returns a message for each comparison over `tolerance`
    /// (relative error), empty when everything agrees.
    public static func check(_ name: String, in fixture: [String: Tensor], tolerance: Float = 1e-4,
                             leaves: [Tensor]? = nil, _ op: ([Tensor]) -> Tensor) -> [String] {
        let inputs = leaves ?? Self.inputs(name, in: fixture)
        guard let expected = fixture["\(name).out"], let w = fixture["\(name).w"] else { return ["\(name): not in the fixture"] }
        var failures: [String] = []
        func compare(_ actual: Tensor, _ key: String, _ what: String) {
            guard let reference = fixture[key] else { return failures.append("\(name): no \(key) in the fixture") }
            guard actual.shape == reference.shape else { return failures.append("\(name) \(what): shape \(actual.shape), expected \(reference.shape)") }
            let error = relativeError(actual, reference)
            if !(error < tolerance) { failures.append("\(name) \(what): relative error \(error)") }
        }
        let out = op(inputs)
        compare(out, "\(name).out", "forward")
        guard out.shape == expected.shape else { return failures }
        let grads = grad(of: (out * w).sum(), wrt: inputs, createGraph: true)
        for (i, g) in grads.enumerated() { compare(g, "\(name).grad\(i)", "gradient of input \(i)") }
        guard fixture["\(name).v0"] != nil else { return failures }
        let second = grads.enumerated().map { i, g in (g * fixture["\(name).v\(i)"]!).sum() }.reduce(Tensor(scalar: 0), +)
        for (i, h) in grad(of: second, wrt: inputs).enumerated() { compare(h, "\(name).gg\(i)", "second-order gradient of input \(i)") }
        return failures
    }
}
