import SwiftGANEngine

/// How each engine operation is written as ONNX operator set 17 nodes. An operation missing
/// here cannot be exported; adding one is adding its entry.
enum ONNXOperators {
    /// A node input (or output): its value name, its shape at the first capture and its
    /// symbolic shape.
    struct Operand {
        let name: String
        let shape: [Int]
        let dimensions: [TracedModel.Dimension]
    }

    /// What an entry needs: the operation's detail (at both captures), its operands, its
    /// output, and the graph to add to. It returns the output's value name.
    struct Context {
        let detail: OpDetail
        let otherDetail: OpDetail
        let inputs: [Operand]
        let output: Operand
        let graph: ONNXGraphBuilder

        var x: String { inputs[0].name }

        /// The output shape for a Reshape node: -1 where the dimension grows with the batch.
        func reshapeTarget(_ what: String) throws -> String {
            let dynamic = output.dimensions.filter { if case .batch = $0 { true } else { false } }.count
            guard dynamic <= 1 else { throw ExportError("\(what): more than one dimension grows with the batch") }
            return graph.int64s(output.dimensions.map { if case .fixed(let size) = $0 { size } else { -1 } })
        }
    }

    typealias Emitter = (Context) throws -> String

    static func emit(_ op: String, detail: OpDetail, otherDetail: OpDetail, inputs: [Operand], output: Operand,
                     into graph: ONNXGraphBuilder) throws -> String {
        guard let emitter = table[op] else {
            throw ExportError("the model uses the operation \(op), which has no ONNX form in SwiftGAN's exporter")
        }
        return try emitter(Context(detail: detail, otherDetail: otherDetail, inputs: inputs, output: output, graph: graph))
    }

    private static func same(_ onnx: String) -> Emitter { { c in c.graph.node(onnx, c.inputs.map(\.name)) } }

    private static func scalars(_ c: Context) -> [Float] {
        if case .scalars(let values) = c.detail { return values }
        preconditionFailure("operation without its scalars")
    }

    static let table: [String: Emitter] = [
        "add": same("Add"), "sub": same("Sub"), "mul": same("Mul"), "div": same("Div"),
        "maximum": same("Max"), "minimum": same("Min"),
        "neg": same("Neg"), "exp": same("Exp"), "log": same("Log"), "sqrt": same("Sqrt"), "tanh": same("Tanh"),
        "sigmoid": same("Sigmoid"), "softplus": same("Softplus"), "relu": same("Relu"), "abs": same("Abs"),
        "leaky_relu": { c in c.graph.node("LeakyRelu", [c.x], [.float("alpha", scalars(c)[0])]) },
        "pow": { c in c.graph.node("Pow", [c.x, c.graph.floats([scalars(c)[0]], shape: [])]) },
        "clamp": { c in
            let s = scalars(c)
            let low = s[0].isFinite ? c.graph.floats([s[0]], shape: []) : ""
            let high = s[1].isFinite ? c.graph.floats([s[1]], shape: []) : ""
            return c.graph.node("Clip", high.isEmpty ? (low.isEmpty ? [c.x] : [c.x, low]) : [c.x, low, high])
        },
        "affine": { c in
            let s = scalars(c)
            var y = c.x
            if s[0] != 1 { y = c.graph.node("Mul", [y, c.graph.floats([s[0]], shape: [])]) }
            if s[1] != 0 { y = c.graph.node("Add", [y, c.graph.floats([s[1]], shape: [])]) }
            return y == c.x ? c.graph.node("Identity", [y]) : y
        },
        "rdiv": { c in c.graph.node("Div", [c.graph.floats([scalars(c)[0]], shape: []), c.x]) },
        "matmul": { c in
            guard case .transposes(let ta, let tb) = c.detail else { preconditionFailure() }
            return c.graph.node("Gemm", c.inputs.map(\.name), [.int("transA", ta ? 1 : 0), .int("transB", tb ? 1 : 0)])
        },
        "bmm": { c in
            guard case .transposes(let ta, let tb) = c.detail else { preconditionFailure() }
            let a = ta ? c.graph.node("Transpose", [c.inputs[0].name], [.ints("perm", [0, 2, 1])]) : c.inputs[0].name
            let b = tb ? c.graph.node("Transpose", [c.inputs[1].name], [.ints("perm", [0, 2, 1])]) : c.inputs[1].name
            return c.graph.node("MatMul", [a, b])
        },
        "linear": { c in c.graph.node("Gemm", c.inputs.map(\.name), [.int("transB", 1)]) },
        "reshape": { c in c.graph.node("Reshape", [c.x, try c.reshapeTarget("a reshape")]) },
        "broadcast": { c in
            // Expand broadcasts both ways: a 1 keeps the input's dimension, which is how a
            // dimension that grows with the batch stays symbolic.
            let input = c.inputs[0]
            let offset = c.output.dimensions.count - input.dimensions.count
            let target = try c.output.dimensions.enumerated().map { i, d -> Int in
                switch d {
                case .fixed(let size): return size
                case .batch:
                    guard i >= offset, input.dimensions[i - offset] == d else {
                        throw ExportError("a broadcast to a batch-sized dimension cannot be exported")
                    }
                    return 1
                }
            }
            return c.graph.node("Expand", [c.x, c.graph.int64s(target)])
        },
        "permute": { c in
            guard case .order(let order) = c.detail else { preconditionFailure() }
            return c.graph.node("Transpose", [c.x], [.ints("perm", order)])
        },
        "slice": { c in
            guard case .slice(let axis, let range) = c.detail, case .slice(_, let other) = c.otherDetail else { preconditionFailure() }
            guard range == other else { throw ExportError("a slice along the batch cannot be exported") }
            return c.graph.node("Slice", [c.x, c.graph.int64s([range.lowerBound]), c.graph.int64s([range.upperBound]),
                                          c.graph.int64s([axis])])
        },
        "pad": { c in
            guard case .pad(let axis, let before, let after) = c.detail else { preconditionFailure() }
            let rank = c.output.shape.count
            var pads = [Int](repeating: 0, count: 2 * rank)
            pads[axis] = before
            pads[rank + axis] = after
            return c.graph.node("Pad", [c.x, c.graph.int64s(pads)])
        },
        "concat": { c in
            guard case .concat(let axis) = c.detail else { preconditionFailure() }
            return c.graph.node("Concat", c.inputs.map(\.name), [.int("axis", axis)])
        },
        "sum": { c in
            guard case .axes(let axes) = c.detail else { preconditionFailure() }
            let keep = c.output.shape.count == c.inputs[0].shape.count
            return c.graph.node("ReduceSum", [c.x, c.graph.int64s(axes)], [.int("keepdims", keep ? 1 : 0)])
        },
        "max": { c in
            guard case .axes(let axes) = c.detail else { preconditionFailure() }
            return c.graph.node("ReduceMax", [c.x], [.ints("axes", axes), .int("keepdims", 1)])
        },
        "conv2d": { c in
            guard case .convolution(let g) = c.detail else { preconditionFailure() }
            return c.graph.node("Conv", c.inputs.map(\.name),
                                [.ints("kernel_shape", [g.kernelHeight, g.kernelWidth]), .ints("strides", [g.stride.0, g.stride.1]),
                                 .ints("pads", [g.padding.0, g.padding.1, g.paddingEnd.0, g.paddingEnd.1]),
                                 .ints("dilations", [g.dilation.0, g.dilation.1])])
        },
        "conv_transpose2d": { c in
            // The adjoint of the convolution `g`: PyTorch's padding is g's leading padding, and
            // the output padding what g's trailing padding lacks of it.
            guard case .convolution(let g) = c.detail else { preconditionFailure() }
            let extra = (g.padding.0 - g.paddingEnd.0, g.padding.1 - g.paddingEnd.1)
            guard extra.0 >= 0, extra.1 >= 0 else { throw ExportError("a transposed convolution with more trailing than leading padding cannot be exported") }
            return c.graph.node("ConvTranspose", c.inputs.map(\.name),
                                [.ints("kernel_shape", [g.kernelHeight, g.kernelWidth]), .ints("strides", [g.stride.0, g.stride.1]),
                                 .ints("pads", [g.padding.0, g.padding.1, g.padding.0, g.padding.1]),
                                 .ints("output_padding", [extra.0, extra.1]), .ints("dilations", [g.dilation.0, g.dilation.1])])
        },
        "batch_norm": { c in
            // Normalization by the batch's own statistics (instance norm runs on this): the mean
            // and biased variance over every axis but the channels'.
            guard case .normalization(let eps, let hasWeight, let hasBias) = c.detail else { preconditionFailure() }
            let rank = c.inputs[0].shape.count
            let axes = [0] + Array(2..<rank)
            let mean = c.graph.node("ReduceMean", [c.x], [.ints("axes", axes), .int("keepdims", 1)])
            let centered = c.graph.node("Sub", [c.x, mean])
            let variance = c.graph.node("ReduceMean", [c.graph.node("Mul", [centered, centered])], [.ints("axes", axes), .int("keepdims", 1)])
            let scale = c.graph.node("Pow", [c.graph.node("Add", [variance, c.graph.floats([eps], shape: [])]),
                                             c.graph.floats([-0.5], shape: [])])
            var y = c.graph.node("Mul", [centered, scale])
            var statShape = [Int](repeating: 1, count: rank)
            statShape[1] = c.inputs[0].shape[1]
            func perChannel(_ k: Int) -> String { c.graph.node("Reshape", [c.inputs[k].name, c.graph.int64s(statShape)]) }
            if hasWeight { y = c.graph.node("Mul", [y, perChannel(1)]) }
            if hasBias { y = c.graph.node("Add", [y, perChannel(hasWeight ? 2 : 1)]) }
            return y
        },
        "sparse_map": { c in try sparseMap(c) },
    ]

    /// A map that acts plane by plane with one table (upsampling, reflection padding, the
    /// phase interleaving of a fused upsampling convolution): the input viewed as
    /// [planes, plane size], one Gather along the plane, the terms weighted and summed.
    private static func sparseMap(_ c: Context) throws -> String {
        if case .maxPool(let k, let s, let p, let d, let ceil) = c.detail {
            return c.graph.node("MaxPool", [c.x], [.ints("kernel_shape", [k.0, k.1]), .ints("strides", [s.0, s.1]),
                                                   .ints("pads", [p.0, p.1, p.0, p.1]), .ints("dilations", [d.0, d.1]),
                                                   .int("ceil_mode", ceil ? 1 : 0)])
        }
        guard case .map(let map) = c.detail else { preconditionFailure() }
        guard map.shared else { throw ExportError("a sparse map with a table per plane cannot be exported") }
        let inputSize = map.inputShape.reduce(1, *) / map.planes
        let outputsPerPlane = map.outputShape.reduce(1, *) / map.planes
        let g = c.graph
        var planes = g.node("Reshape", [c.x, g.int64s([-1, inputSize])])
        var indices = map.indices.map { Int($0) }
        if indices.contains(-1) {
            // A term that reads nothing reads an appended zero.
            planes = g.node("Pad", [planes, g.int64s([0, 0, 0, 1])])
            indices = indices.map { $0 < 0 ? inputSize : $0 }
        }
        var y = g.node("Gather", [planes, g.int32s(indices)], [.int("axis", 1)])
        if let weights = map.weights { y = g.node("Mul", [y, g.floats(weights, shape: [weights.count])]) }
        if map.termsPerOutput > 1 {
            y = g.node("Reshape", [y, g.int64s([-1, outputsPerPlane, map.termsPerOutput])])
            y = g.node("ReduceSum", [y, g.int64s([2])], [.int("keepdims", 0)])
        }
        return g.node("Reshape", [y, try c.reshapeTarget("a sparse map")])
    }
}
