import Foundation
import SwiftGANCore
import SwiftGANEngine
import SwiftGANNN
import SwiftProtobuf

/// ONNX files (operator set 17, IR version 8) of SwiftGAN's generators, for ONNX Runtime and
/// the other engines that read the format.
///
/// The exporter traces the generator's forward pass in evaluation mode (batch norm with its
/// running statistics), twice at different batch sizes, and writes the operations that depend
/// on the inputs as nodes and everything else (parameters, and what is computed from them alone,
/// such as spectral normalization's divided weights) as initializers. So any generator built
/// from the engine's operations exports without code of its own, with a dynamic batch axis.
///
/// ```swift
/// let (family, g) = try ModelRegistry.generator(forWeights: "runs/mnist/generator.safetensors", model: nil)
/// try g.load(from: "runs/mnist/generator.safetensors")
/// try ONNXExport.generator(g, metadata: ["swiftgan.family": family.name]).data.write(to: URL(fileURLWithPath: "g.onnx"))
/// ```
public enum ONNXExport {
    /// An encoded model and what it takes and gives.
    public struct File {
        /// The ONNX protobuf bytes.
        public let data: Data
        /// Its inputs and output, in one line (also the model's doc string).
        public let signature: String
        /// The number of nodes in its graph.
        public let nodeCount: Int
    }

    public static let operatorSet = 17
    public static let irVersion = 8

    /// A latent generator: inputs `z` float32 [batch, latent size] and, for a conditional
    /// model, `y` int64 [batch] (class indices); output `images` float32 [batch, C, H, W] in
    /// [-1, 1] (StyleGAN's linear, unclamped; `samples` [batch, 2] for the 2-D toy generator).
    public static func generator(_ generator: any SampleableGenerator, metadata: [String: String] = [:]) throws -> File {
        let conditional = generator.classCount > 0
        let traced = try trace(generator, inputNames: ["z"], inputShape: [generator.latentDimension],
                               classes: generator.classCount, labelsName: "y") { inputs, labels in
            generator.generate(inputs[0], labels: labels)
        }
        let outputShape = generator.imageShape ?? generator.sampleShape
        var inputs = [Onnx_ValueInfoProto(name: "z", elementType: .float,
                                          dimensions: [.batch(times: 1), .fixed(generator.latentDimension)])]
        if conditional { inputs.append(.init(name: "y", elementType: .int64, dimensions: [.batch(times: 1)])) }
        let doc = "z: latents from N(0, 1), [batch, \(generator.latentDimension)]"
            + (conditional ? "; y: class indices 0...\(generator.classCount - 1), int64 [batch]" : "")
            + "; \(generator.imageShape == nil ? "samples" : "images"): [batch, \(outputShape.map(String.init).joined(separator: ", "))]"
            + (generator.imageShape == nil ? "" : generator is any StyleBasedGenerator ? " (linear; clamp to [-1, 1] to view)" : " in [-1, 1]")
        return try model(of: traced, module: generator, inputs: inputs, output: generator.imageShape == nil ? "samples" : "images",
                         outputShape: outputShape, doc: doc, metadata: metadata)
    }

    /// The largest image side `translator(_:side:)` takes.
    public static let maximumSide = 1024

    /// An image-to-image generator (Pix2Pix, CycleGAN): input `source` float32
    /// [batch, channels, side, side] in [-1, 1], output `images` of the same shape. As
    /// `translateAll` does, a side below `trainedSide` (or not a multiple of the generator's
    /// downsampling) is padded with -1 inside the graph and the output cropped back.
    public static func translator(_ translator: any ImageTranslator, side: Int, trainedSide: Int = 32,
                                  metadata: [String: String] = [:]) throws -> File {
        guard (1...maximumSide).contains(side) else { throw ExportError("the image side \(side) must be 1 to \(maximumSide)") }
        let shape = [translator.channels, side, side]
        let traced = try trace(translator, inputNames: ["source"], inputShape: shape, classes: 0, labelsName: nil) { inputs, _ in
            translator.translatePadded(inputs[0], trainedSide: trainedSide)
        }
        let input = Onnx_ValueInfoProto(name: "source", elementType: .float, dimensions: [.batch(times: 1)] + shape.map { .fixed($0) })
        let doc = "source: images [batch, \(shape.map(String.init).joined(separator: ", "))] in [-1, 1]; images: the translations, same shape"
        return try model(of: traced, module: translator, inputs: [input], output: "images", outputShape: shape, doc: doc,
                         metadata: metadata)
    }

    /// Traces `module` in evaluation mode with recording on (so every op takes its traced path),
    /// putting the module back in training mode after.
    private static func trace(_ module: Module, inputNames: [String], inputShape: [Int], classes: Int, labelsName: String?,
                              forward: ([Tensor], [Int]?) -> Tensor) throws -> TracedModel {
        module.eval()
        defer { module.train() }
        return try GradMode.with(enabled: true) {
            try TracedModel(inputNames: inputNames, inputShape: inputShape, classes: classes, labelsName: labelsName, forward: forward)
        }
    }

    private static func model(of traced: TracedModel, module: Module, inputs: [Onnx_ValueInfoProto], output: String,
                              outputShape: [Int], doc: String, metadata: [String: String]) throws -> File {
        for (name, tensor) in module.namedParameters() + module.namedBuffers() {
            guard tensor.withUnsafeBufferPointer({ $0.allSatisfy(\.isFinite) }) else {
                throw ExportError("the weights' \(name) holds non-finite values (NaN or infinity: a diverged run?)")
            }
        }
        var names: [ObjectIdentifier: String] = [:]
        for (name, tensor) in module.namedParameters() + module.namedBuffers() { names[ObjectIdentifier(tensor.storage)] = name }
        let writer = try ONNXGraphWriter(traced, parameterNames: names)
        let result = try writer.emitOutput()
        // The output under its public name, in the image shape (the MLP generator's rows of 784
        // become [1, 28, 28] images).
        let target = writer.builder.int64s([-1] + outputShape)
        writer.builder.node("Reshape", [result.name, target], output: output)

        var graph = Onnx_GraphProto()
        graph.name = "swiftgan_generator"
        graph.docString = doc
        graph.node = writer.builder.nodes
        graph.initializer = writer.builder.initializers
        graph.input = inputs
        graph.output = [.init(name: output, elementType: .float, dimensions: [.batch(times: 1)] + outputShape.map { .fixed($0) })]
        graph.valueInfo = writer.valueInfo

        var model = Onnx_ModelProto()
        model.irVersion = Int64(irVersion)
        var opset = Onnx_OperatorSetIdProto()
        opset.domain = ""
        opset.version = Int64(operatorSet)
        model.opsetImport = [opset]
        model.producerName = "swiftgan"
        model.producerVersion = SwiftGANVersion.current
        model.docString = doc
        model.graph = graph
        model.metadataProps = metadata.sorted { $0.key < $1.key }.map { key, value in
            var entry = Onnx_StringStringEntryProto()
            entry.key = key
            entry.value = value
            return entry
        }
        return File(data: try model.serializedData(), signature: doc, nodeCount: graph.node.count)
    }
}
