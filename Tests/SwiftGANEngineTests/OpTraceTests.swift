import Foundation
import SwiftGANEngine
import Testing

/// `OpTrace.capture`: the operations a computation runs, in order, with their inputs, output
/// and detail, whether or not autograd records them; nothing outside a capture or on another
/// thread.
@Suite struct OpTraceTests {
    @Test func capturesOperationsInOrderWithTheirDetail() {
        let x = Tensor([[1, -2], [3, 4]])
        let w = Tensor([[0.5, 1], [1, 0.5]])
        let (y, trace) = OpTrace.capture { withNoGrad { x.matmul(w, transposeOther: true).leakyReLU(negativeSlope: 0.2).sum(axes: [1]) } }
        #expect(trace.entries.map(\.op) == ["matmul", "leaky_relu", "reshape", "sum"])
        #expect(trace.entries.last!.output === y)
        let product = trace.entries[0]
        #expect(product.inputs[0] === x && product.inputs[1] === w)
        guard case .transposes(false, true) = product.detail else { Issue.record("matmul detail \(product.detail)"); return }
        guard case .scalars([0.2]) = trace.entries[1].detail else { Issue.record("leaky ReLU detail"); return }
        guard case .axes([1]) = trace.entries[3].detail else { Issue.record("sum detail"); return }
        #expect(trace.entries[1].inputs[0] === product.output)
    }

    @Test func capturesNothingOutsideACaptureOrOnAnotherThread() {
        let x = Tensor([1, 2, 3])
        _ = x.relu()
        let (_, trace) = OpTrace.capture { () -> Tensor in
            let done = DispatchSemaphore(value: 0)
            Thread { _ = x.exp(); done.signal() }.start()
            done.wait()
            return x.tanh()
        }
        #expect(trace.entries.map(\.op) == ["tanh"])
    }

    @Test func maxPoolingSaysWhatItIs() {
        var rng = RandomGenerator(seed: 1)
        let x = rng.normal([1, 2, 4, 4])
        let (_, trace) = OpTrace.capture { x.maxPool2d(kernel: (2, 2)) }
        guard case .maxPool(let k, let s, _, _, false) = trace.entries.last!.detail, k == (2, 2), s == (2, 2) else {
            Issue.record("max pooling detail \(trace.entries.last!.detail)")
            return
        }
    }
}
