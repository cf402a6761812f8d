import SwiftGANEngine

/// Turns a `TracedModel` into ONNX nodes: the operations that depend on the inputs become nodes
/// (`ONNXOperators` says how for each), everything else becomes an initializer, named after
/// the module parameter it is when it is one.
final class ONNXGraphWriter {
    let traced: TracedModel
    let builder = ONNXGraphBuilder()
    /// Types and symbolic shapes of the values the nodes compute.
    private(set) var valueInfo: [Onnx_ValueInfoProto] = []

    /// Module parameter and buffer names by storage, which a parameter's reshapes share.
    private let parameterNames: [ObjectIdentifier: String]
    private var usedNames: Set<String> = []
    /// For each entry, the entry that produced each of its inputs (nil for a value made
    /// outside the traced operations: a parameter, a model input, a constant).
    private let producers: [[Int?]]
    /// Whether each entry depends on the model's inputs.
    private let dynamic: [Bool]
    /// Entries that are embedding lookups of the labels (the rows picked are the labels).
    private let labelLookups: Set<Int>
    private let inputIndex: [ObjectIdentifier: Int]
    private var emitted: [Int: String] = [:]
    private var constants: [ObjectIdentifier: String] = [:]

    init(_ traced: TracedModel, parameterNames: [ObjectIdentifier: String]) throws {
        self.traced = traced
        self.parameterNames = parameterNames
        inputIndex = Dictionary(uniqueKeysWithValues: traced.a.inputs.enumerated().map { (ObjectIdentifier($1), $0) })
        func producerTable(_ capture: TracedModel.Capture) -> [[Int?]] {
            var latest: [ObjectIdentifier: Int] = [:]
            return capture.entries.enumerated().map { i, entry in
                defer { latest[ObjectIdentifier(entry.output)] = i }
                return entry.inputs.map { latest[ObjectIdentifier($0)] }
            }
        }
        producers = producerTable(traced.a)
        guard producerTable(traced.b) == producers else {
            throw ExportError("the model's operations connect differently at different batch sizes; it cannot be exported")
        }
        var dynamic = [Bool](repeating: false, count: producers.count)
        var lookups: Set<Int> = []
        let inputs = inputIndex
        for (i, entry) in traced.a.entries.enumerated() {
            dynamic[i] = zip(entry.inputs, producers[i]).contains { x, p in p.map { dynamic[$0] } ?? (inputs[ObjectIdentifier(x)] != nil) }
            if !dynamic[i], let labels = traced.a.labels, case .map(let map) = entry.detail,
               Self.lookedUpRows(map) == labels, case .map(let other) = traced.b.entries[i].detail,
               Self.lookedUpRows(other) == traced.b.labels {
                dynamic[i] = true
                lookups.insert(i)
            }
        }
        self.dynamic = dynamic
        labelLookups = lookups
    }

    /// The rows an embedding lookup's map picks from a [count, dim] table, or nil for another map.
    static func lookedUpRows(_ map: SparseLinearMap) -> [Int]? {
        guard map.planes == 1, map.termsPerOutput == 1, map.weights == nil, map.inputShape.count == 2,
              map.outputShape.count == 2, map.outputShape[1] == map.inputShape[1] else { return nil }
        let dim = map.inputShape[1]
        guard dim > 0 else { return nil }
        var rows: [Int] = []
        for i in 0..<map.outputShape[0] {
            let row = Int(map.indices[i * dim]) / dim
            for j in 0..<dim where map.indices[i * dim + j] != Int64(row * dim + j) { return nil }
            rows.append(row)
        }
        return rows
    }

    /// Emits what computes the captured output and returns its value name.
    func emitOutput() throws -> (name: String, dimensions: [TracedModel.Dimension]) {
        let id = ObjectIdentifier(traced.a.output)
        guard let last = traced.a.entries.lastIndex(where: { ObjectIdentifier($0.output) == id }), dynamic[last] else {
            throw ExportError("the model's output does not depend on its inputs through operations the exporter can follow")
        }
        return (try emit(last), try traced.dimensions(traced.a.output, traced.b.output, "the output"))
    }

    /// The value name of entry `i`'s output, emitting it (and what it needs) once.
    private func emit(_ i: Int) throws -> String {
        if let name = emitted[i] { return name }
        let (ea, eb) = (traced.a.entries[i], traced.b.entries[i])
        let name: String
        if labelLookups.contains(i) {
            name = builder.node("Gather", [try constant(ea.inputs[0], eb.inputs[0], "an embedding table"), traced.labelsName!],
                                [.int("axis", 0)])
        } else {
            var inputs: [ONNXOperators.Operand] = []
            for (k, (x, y)) in zip(ea.inputs, eb.inputs).enumerated() {
                let what = "input \(k) of \(ea.op)"
                let value: String
                if let p = producers[i][k], dynamic[p] {
                    value = try emit(p)
                } else if let index = inputIndex[ObjectIdentifier(x)] {
                    value = traced.inputNames[index]
                } else {
                    value = try constant(x, y, what)
                }
                inputs.append(.init(name: value, shape: x.shape, dimensions: try traced.dimensions(x, y, what)))
            }
            let output = ONNXOperators.Operand(name: "", shape: ea.output.shape,
                                               dimensions: try traced.dimensions(ea.output, eb.output, "the output of \(ea.op)"))
            name = try ONNXOperators.emit(ea.op, detail: ea.detail, otherDetail: eb.detail, inputs: inputs, output: output, into: builder)
        }
        emitted[i] = name
        valueInfo.append(.init(name: name, elementType: .float,
                               dimensions: try traced.dimensions(ea.output, eb.output, "the output of \(ea.op)")))
        return name
    }

    /// An initializer holding `x`, which the second capture must have computed identically (`y`).
    private func constant(_ x: Tensor, _ y: Tensor, _ what: String) throws -> String {
        if let name = constants[ObjectIdentifier(x)] { return name }
        let same = x.shape == y.shape && x.withUnsafeBufferPointer { p in
            y.withUnsafeBufferPointer { q in p.elementsEqual(q) { $0.bitPattern == $1.bitPattern } }
        }
        guard same else {
            throw ExportError("\(what) is computed from the model's inputs outside the operations the exporter can follow; it cannot be exported")
        }
        let name = parameterNames[ObjectIdentifier(x.storage)].flatMap { usedNames.insert($0).inserted ? $0 : nil }
            ?? builder.fresh("const")
        _ = x.withUnsafeBufferPointer { builder.floats($0, shape: x.shape, name: name) }
        constants[ObjectIdentifier(x)] = name
        return name
    }
}
