import Foundation
import SwiftGAN

/// The deterministic weights and images of `make_translation_fixtures.py`, which the pix2pix and
/// cyclegan fixtures are computed from (its U-Net is too large to commit as a file).
public enum TranslationWeights {
    /// `init_translation` of the fixture script: parameters by formula in the order of their
    /// sorted names, phase 78.233·(j + 1) + `offset`; 4-D weights scaled by 1/√fan-in, the fan-in
    /// of a convolution [out, in, k, k] being in·k·k and of a transposed one [in, out, k, k] in·k·k
    /// too; 1-D weights 1 + 0.1·formula; biases 0.1·formula.
    public static func initialize(_ module: Module, offset: Double = 0) {
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
    public static func formula(_ shape: [Int], scale: Double, phase: Double) -> Tensor {
        let n = shape.reduce(1, *)
        return Tensor((0..<n).map { i -> Float in
            let v = sin(12.9898 * Double(i) + phase) * 43758.5453
            return Float(scale * (2 * (v - v.rounded(.down)) - 1))
        }, shape: shape)
    }

}
