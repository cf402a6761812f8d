import Foundation
import SwiftGANEngine

/// Nodes and initializers of an ONNX graph under construction, with fresh names for values.
final class ONNXGraphBuilder {
    private(set) var nodes: [Onnx_NodeProto] = []
    private(set) var initializers: [Onnx_TensorProto] = []
    private var counter = 0

    /// A fresh value name from `hint`.
    func fresh(_ hint: String) -> String {
        counter += 1
        return "\(hint)_\(counter)"
    }

    /// Adds a node and returns its (first) output's name.
    @discardableResult
    func node(_ op: String, _ inputs: [String], _ attributes: [Onnx_AttributeProto] = [], output: String? = nil) -> String {
        let out = output ?? fresh(op.lowercased())
        var n = Onnx_NodeProto()
        n.opType = op
        n.name = "\(op)_\(nodes.count)"
        n.input = inputs
        n.output = [out]
        n.attribute = attributes
        nodes.append(n)
        return out
    }

    /// A float32 initializer named `name` holding `values` of `shape`.
    @discardableResult
    func floats(_ values: UnsafeBufferPointer<Float>, shape: [Int], name: String) -> String {
        initializers.append(Self.tensor(name: name, type: .float, shape: shape, bytes: Data(buffer: values)))
        return name
    }

    /// A float32 constant of `shape` with a fresh name.
    func floats(_ values: [Float], shape: [Int]) -> String {
        values.withUnsafeBufferPointer { floats($0, shape: shape, name: fresh("const")) }
    }

    /// An int64 constant with a fresh name (shapes, axes, indices).
    func int64s(_ values: [Int], shape: [Int]? = nil) -> String {
        let name = fresh("const")
        let wide = values.map { Int64($0).littleEndian }
        initializers.append(Self.tensor(name: name, type: .int64, shape: shape ?? [values.count],
                                        bytes: wide.withUnsafeBufferPointer { Data(buffer: $0) }))
        return name
    }

    /// An int32 constant with a fresh name (gather tables, half the size of int64 ones).
    func int32s(_ values: [Int]) -> String {
        let name = fresh("const")
        let narrow = values.map { Int32($0).littleEndian }
        initializers.append(Self.tensor(name: name, type: .int32, shape: [values.count],
                                        bytes: narrow.withUnsafeBufferPointer { Data(buffer: $0) }))
        return name
    }

    private static func tensor(name: String, type: Onnx_TensorProto.DataType, shape: [Int], bytes: Data) -> Onnx_TensorProto {
        var t = Onnx_TensorProto()
        t.name = name
        t.dataType = Int32(type.rawValue)
        t.dims = shape.map(Int64.init)
        t.rawData = bytes
        return t
    }
}

extension Onnx_AttributeProto {
    static func int(_ name: String, _ value: Int) -> Self {
        var a = Self()
        a.name = name
        a.type = .int
        a.i = Int64(value)
        return a
    }

    static func ints(_ name: String, _ values: [Int]) -> Self {
        var a = Self()
        a.name = name
        a.type = .ints
        a.ints = values.map(Int64.init)
        return a
    }

    static func float(_ name: String, _ value: Float) -> Self {
        var a = Self()
        a.name = name
        a.type = .float
        a.f = value
        return a
    }
}

extension Onnx_ValueInfoProto {
    /// A tensor value of `elementType` whose batch-dependent dimensions are named `batch`
    /// (`k*batch` for a multiple).
    init(name: String, elementType: Onnx_TensorProto.DataType, dimensions: [TracedModel.Dimension]) {
        self.init()
        self.name = name
        var tensor = Onnx_TypeProto.Tensor()
        tensor.elemType = Int32(elementType.rawValue)
        tensor.shape.dim = dimensions.map { d in
            var dim = Onnx_TensorShapeProto.Dimension()
            switch d {
            case .fixed(let size): dim.dimValue = Int64(size)
            case .batch(let k): dim.dimParam = k == 1 ? "batch" : "\(k)*batch"
            }
            return dim
        }
        type.tensorType = tensor
    }
}
