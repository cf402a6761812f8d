import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

/// What the pix2pix and cyclegan tests share with `make_translation_fixtures.py`.
enum TranslationFixtures {
    /// `init_translation` of the fixture script: parameters by formula in the order of their
    /// sorted names, phase 78.233·(j + 1) + `offset`; 4-D weights scaled by 1/√fan-in, the fan-in
    /// of a convolution [out, in, k, k] being in·k·k and of a transposed one [in, out, k, k] in·k·k
    /// too; 1-D weights 1 + 0.1·formula; biases 0.1·formula.
    static func initialize(_ module: Module, offset: Double = 0) {
        var transposed: Set<String> = []
        func walk(_ m: Module, _ prefix: String) {
            if m is ConvTranspose2d { transposed.insert(prefix + "weight") }
            for (name, child) in m.namedChildren() { walk(child, prefix + name + ".") }
        }
        walk(module, "")
        let parameters = Dictionary(uniqueKeysWithValues: module.namedParameters())
        for (j, name) in parameters.keys.sorted().enumerated() {
            let p = parameters[name]!, phase = 78.233 * Double(j + 1) + offset
            if p.rank == 4 {
                let fanIn = (transposed.contains(name) ? p.shape[0] : p.shape[1]) * p.shape[2] * p.shape[3]
                p.assign(formula(p.shape, scale: 1 / Double(fanIn).squareRoot(), phase: phase))
            } else if name.hasSuffix("weight") {
                p.assign(formula(p.shape, scale: 0.1, phase: phase) + 1)
            } else {
                p.assign(formula(p.shape, scale: 0.1, phase: phase))
            }
        }
    }

    /// `formula` of the fixture script: scale·(2·frac(43758.5453·sin(12.9898·i + phase)) − 1),
    /// values spread like noise (a smooth formula made the step ill-conditioned in float32).
    static func formula(_ shape: [Int], scale: Double, phase: Double) -> Tensor {
        let n = shape.reduce(1, *)
        return Tensor((0..<n).map { i -> Float in
            let v = sin(12.9898 * Double(i) + phase) * 43758.5453
            return Float(scale * (2 * (v - v.rounded(.down)) - 1))
        }, shape: shape)
    }

    /// `sampled` of the fixture script: every len/4000-th element.
    static func sampled(_ t: Tensor) -> Tensor { BigGANTests.sampled(t) }

    /// The step fixtures' images: tanh of formulas, as the script makes them.
    static func images(_ batch: Int, phase: Double) -> Tensor {
        formula([batch, 1, 32, 32], scale: 2.0, phase: phase).tanh()
    }

    /// Checks one model's gradients of the step (in the order of `namedParameters()`) and its
    /// parameters after the update against the fixture's, sampled.
    /// - Gradients within 1e-4, or where the fixture records PyTorch's own float32 error for the
    ///   key (`f32_error.KEY`, from `with_f32_errors` of the script) and that is larger, within
    ///   three times it: SwiftGAN as accurate as PyTorch in float32.
    /// - A bias whose exact gradient is 0 (a convolution's before instance norm, which removes
    ///   any per-channel constant: PyTorch's float64 value is ~1e-16) holds rounding noise on
    ///   both sides, so it is held to be small beside its layer's weight gradient, and after
    ///   Adam's step each of its elements to within 2.05 lr.
    /// - Parameters after Adam's first step, which moves every element by lr times the sign of
    ///   its gradient: every element within 1e-4 relative plus 2.05 lr, and at most 1% of them
    ///   beyond 1e-4 relative (the elements whose gradient rounding may flip, as in PyTorch).
    static func expectStep(_ module: Module, gradients: [Tensor], gradientKey: (String) -> String, afterKey: (String) -> String,
                           in f: [String: Tensor], learningRate: Float = 2e-4, sourceLocation: SourceLocation = #_sourceLocation) {
        let named = Dictionary(uniqueKeysWithValues: zip(module.namedParameters().map(\.0), gradients))
        for (name, p) in module.namedParameters() {
            let g = named[name]!, reference = f[gradientKey(name)]!
            let exactlyZero = name.hasSuffix("bias") && reference.abs().scalars.max()! < 1e-9
            if exactlyZero {
                let weightScale = named[String(name.dropLast(4)) + "weight"]!.abs().scalars.max()!
                let noise = g.abs().scalars.max()!
                #expect(noise < 1e-4 * weightScale, "gradient of \(name), 0 in exact arithmetic: \(noise) beside \(weightScale)",
                        sourceLocation: sourceLocation)
            } else {
                let bound = max(1e-4, 3 * (f["f32_error." + gradientKey(name)]?.item ?? 0))
                let error = relativeError(sampled(g), reference)
                #expect(error < bound, "gradient of \(name): \(error)", sourceLocation: sourceLocation)
            }
            let ours = sampled(p).scalars, after = f[afterKey(name)]!.scalars
            let tolerance = 1e-4 * after.map(abs).max()!
            let differences = zip(ours, after).map { abs($0 - $1) }
            #expect(differences.max()! <= tolerance + 2.05 * learningRate, "\(name) after Adam: an element differs by \(differences.max()!)",
                    sourceLocation: sourceLocation)
            // Every element of a zero-gradient bias moves by ±lr by chance, on either side.
            let flipped = exactlyZero ? 0 : differences.filter { $0 > tolerance }.count
            #expect(flipped * 100 <= ours.count, "\(name) after Adam: \(flipped) of \(ours.count) elements differ", sourceLocation: sourceLocation)
        }
    }
}
