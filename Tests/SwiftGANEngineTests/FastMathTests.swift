import Foundation
import SwiftGAN
import Testing

/// The vectorized exp, log, tanh, sigmoid and softplus kernels against the C library in double
/// precision, over the ranges training meets and at the edges.
@Suite struct FastMathTests {
    static let grid: [Float] = stride(from: -30.0, through: 30.0, by: 0.0137).map { Float($0) }

    func check(_ values: [Float], _ op: (Tensor) -> Tensor, _ reference: (Double) -> Double, tolerance: Double) {
        let out = op(Tensor(values)).scalars
        for (x, y) in zip(values, out) {
            let r = reference(Double(x))
            let err = abs(Double(y) - r) / max(abs(r), 1e-30)
            #expect(err < tolerance, "x = \(x): \(y) vs \(r)")
        }
    }

    @Test func exp() { check(Self.grid, { $0.exp() }, Foundation.exp, tolerance: 4e-7) }
    @Test func log() { check(Self.grid.map { Swift.abs($0) + 1e-6 }, { $0.log() }, Foundation.log, tolerance: 4e-7) }
    @Test func tanh() { check(Self.grid + [1e-8, -3e-5, 0.6249, 0.6251], { $0.tanh() }, Foundation.tanh, tolerance: 4e-7) }
    @Test func sigmoid() { check(Self.grid, { $0.sigmoid() }, { 1 / (1 + Foundation.exp(-$0)) }, tolerance: 4e-7) }
    @Test func softplus() { check(Self.grid + [-80, 80], { $0.softplus() }, { Foundation.log1p(Foundation.exp(-Swift.abs($0))) + Swift.max($0, 0) }, tolerance: 4e-7) }

    @Test func specialValues() {
        let x = Tensor([0, -1, .infinity, .nan])
        let l = x.log().scalars
        #expect(l[0] == -.infinity && l[1].isNaN && l[2] == .infinity && l[3].isNaN)
        let e = Tensor([-200, 200, .nan]).exp().scalars
        #expect(e[0] == 0 && e[1] == .infinity && e[2].isNaN)
    }
}
