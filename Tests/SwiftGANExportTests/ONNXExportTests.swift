import Foundation
import SwiftGAN
import SwiftGANTestSupport
import SwiftProtobuf
import Testing

/// The ONNX files `ONNXExport` writes, read back with the same messages: their interface
/// (opset, inputs with a symbolic batch, output), parameters under their PyTorch names, and
/// the models it refuses rather than freeze a wrong graph. (ONNX Runtime parity is in
/// swiftganCLITests/ExportCommandTests.)
@Suite struct ONNXExportTests {
    /// A generator whose forward pass computes a value from z in a Swift loop, outside the
    /// engine's operations, which no exported graph could reproduce.
    final class LoopGenerator: Module, SampleableGenerator {
        var latentDimension: Int { 4 }
        var sampleShape: [Int] { [4] }
        func generate(_ z: Tensor, labels: [Int]?) -> Tensor {
            let doubled = Tensor(z.scalars.map { $0 * 2 }, shape: z.shape)
            return (z + doubled).tanh()
        }
    }

    /// A generator using an operation without an ONNX form (the masked select of training code).
    final class MaskedGenerator: Module, SampleableGenerator {
        var latentDimension: Int { 4 }
        var sampleShape: [Int] { [4] }
        func generate(_ z: Tensor, labels: [Int]?) -> Tensor {
            z.masked(by: Tensor.full(z.shape, 1)).reshaped(z.shape)
        }
    }

    @Test func dcganFileDeclaresItsInterfaceAndNamesItsParameters() throws {
        var rng = RandomGenerator(seed: 0)
        let g = DCGANGenerator(.mnist28, generator: &rng)
        let file = try ONNXExport.generator(g, metadata: ["swiftgan.model": "dcgan"])
        let model = try Onnx_ModelProto(serializedBytes: file.data)
        #expect(model.irVersion == 8)
        #expect(model.opsetImport.map(\.version) == [17])
        #expect(model.producerName == "swiftgan")
        #expect(model.metadataProps.map(\.key) == ["swiftgan.model"])
        let graph = model.graph
        #expect(graph.input.map(\.name) == ["z"])
        #expect(graph.input[0].type.tensorType.shape.dim.map(\.dimParam) == ["batch", ""])
        #expect(graph.input[0].type.tensorType.shape.dim.map(\.dimValue) == [0, 100])
        #expect(graph.output.map(\.name) == ["images"])
        #expect(graph.output[0].type.tensorType.shape.dim.map(\.dimValue) == [0, 1, 28, 28])
        let names = Set(graph.initializer.map(\.name))
        for name in ["net.0.weight", "net.3.weight", "net.6.weight", "net.6.bias"] { #expect(names.contains(name), "\(name)") }
        let weight = try #require(graph.initializer.first { $0.name == "net.0.weight" })
        #expect(weight.dims == [100, 256, 7, 7])
        #expect(weight.rawData.count == 100 * 256 * 49 * 4)
        #expect(graph.node.map(\.opType).filter { $0 == "ConvTranspose" }.count == 3)
        #expect(file.nodeCount == graph.node.count)
        #expect(g.training, "the generator is back in training mode")
    }

    @Test func conditionalGeneratorTakesInt64Labels() throws {
        var rng = RandomGenerator(seed: 0)
        let g = ConditionalMLPGenerator(classes: 10, imageShape: [1, 28, 28], generator: &rng)
        let graph = try Onnx_ModelProto(serializedBytes: ONNXExport.generator(g).data).graph
        #expect(graph.input.map(\.name) == ["z", "y"])
        #expect(graph.input[1].type.tensorType.elemType == Int32(Onnx_TensorProto.DataType.int64.rawValue))
        let gather = try #require(graph.node.first { $0.opType == "Gather" })
        #expect(gather.input == ["labelEmbedding.weight", "y"])
    }

    @Test func refusesValuesComputedOutsideTheEnginesOperations() {
        #expect { try ONNXExport.generator(LoopGenerator()) } throws: { error in
            "\(error)".contains("outside the operations the exporter can follow")
        }
    }

    @Test func refusesOperationsWithoutAnONNXForm() {
        #expect { try ONNXExport.generator(MaskedGenerator()) } throws: { error in
            "\(error)".contains("masked_select")
        }
    }
}
