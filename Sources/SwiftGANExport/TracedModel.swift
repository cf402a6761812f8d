import SwiftGANEngine

/// A model's forward pass captured twice, at two batch sizes with different inputs, so the
/// exporter can tell what depends on the inputs (dynamic values, computed by the exported graph)
/// from what does not (constants, stored in it), and which dimensions grow with the batch.
///
/// The two captures must run the same operations; a constant must have the same shape and
/// values in both. A value the model computed outside the traced operations from its inputs
/// (a Swift loop over the labels, say) differs between the captures, so it is refused rather
/// than frozen into the file.
struct TracedModel {
    /// One capture: the inputs fed and the operations run.
    struct Capture {
        let batch: Int
        /// The float inputs, in the order of `inputNames`.
        let inputs: [Tensor]
        /// Class labels fed to a conditional model, one per sample.
        let labels: [Int]?
        let output: Tensor
        let entries: [OpTrace.Entry]
    }

    let a: Capture
    let b: Capture
    /// The graph input names of the float inputs.
    let inputNames: [String]
    /// The graph input name of the labels (int64 [batch]), for conditional models.
    let labelsName: String?

    /// Captures `forward` at batch sizes 2 and 3 (small, as the traces keep every activation), with
    /// inputs of `inputShape` per sample drawn from N(0, 1) and, with `classes` > 0, labels
    /// cycling through the classes in two different orders.
    init(inputNames: [String], inputShape: [Int], classes: Int, labelsName: String?,
         forward: (_ inputs: [Tensor], _ labels: [Int]?) -> Tensor) throws {
        self.inputNames = inputNames
        self.labelsName = classes > 0 ? labelsName : nil
        var rng = RandomGenerator(seed: 20_261_127)
        func capture(batch: Int, shift: Int) -> Capture {
            let inputs = inputNames.map { _ in rng.normal([batch] + inputShape) }
            for x in inputs { x.requiresGrad = true }   // so ops take their recorded (traced) paths
            let labels = classes > 0 ? (0..<batch).map { ($0 * 3 + shift) % classes } : nil
            let (output, trace) = OpTrace.capture { forward(inputs, labels) }
            return Capture(batch: batch, inputs: inputs, labels: labels, output: output, entries: trace.entries)
        }
        a = capture(batch: 2, shift: 0)
        b = capture(batch: 3, shift: 1)
        guard a.entries.count == b.entries.count, zip(a.entries, b.entries).allSatisfy({ $0.op == $1.op }) else {
            throw ExportError("the model runs different operations for different batch sizes; it cannot be exported with a dynamic batch")
        }
    }

    /// A dimension of a value: fixed, or a multiple of the batch.
    enum Dimension: Equatable {
        case fixed(Int)
        case batch(times: Int)
    }

    /// The symbolic shape of a value from its two captured shapes.
    func dimensions(_ x: Tensor, _ y: Tensor, _ what: String) throws -> [Dimension] {
        guard x.rank == y.rank else { throw ExportError("\(what) changes rank with the batch size") }
        return try zip(x.shape, y.shape).map { p, q in
            if p == q { return .fixed(p) }
            guard p % a.batch == 0, q % b.batch == 0, p / a.batch == q / b.batch else {
                throw ExportError("\(what) has a dimension (\(p) at batch \(a.batch), \(q) at batch \(b.batch)) that is not a multiple of the batch")
            }
            return .batch(times: p / a.batch)
        }
    }
}

/// Why a model could not be exported, in one line.
public struct ExportError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
