import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

/// What the pix2pix and cyclegan tests share with `make_translation_fixtures.py`.
enum TranslationFixtures {
    /// `sampled` of the fixture script: every len/4000-th element.
    static func sampled(_ t: Tensor) -> Tensor { BigGANTests.sampled(t) }

    /// The step fixtures' images: tanh of formulas, as the script makes them.
    static func images(_ batch: Int, phase: Double) -> Tensor {
        TranslationWeights.formula([batch, 1, 32, 32], scale: 2.0, phase: phase).tanh()
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
