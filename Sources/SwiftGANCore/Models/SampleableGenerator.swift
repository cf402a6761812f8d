import Foundation
import SwiftGANEngine
import SwiftGANNN

/// A generator that `sample`, `eval` (and later the latent tools and the server) can drive:
/// latents, and class labels for conditional models, in; samples out.
///
/// ```swift
/// let (family, g) = try ModelRegistry.generator(forWeights: "runs/mnist/generator.safetensors", model: nil)
/// let images = withNoGrad { g.generate(rng.normal([16, g.latentDimension]), labels: nil) }
/// ```
public protocol SampleableGenerator: Module {
    /// The size of z.
    var latentDimension: Int { get }
    /// The number of classes a conditional generator takes; 0 when unconditional.
    var classCount: Int { get }
    /// One output's shape as the generator makes it ([784] for the MLP GAN, [C, H, W], [2]).
    var sampleShape: [Int] { get }
    /// The shape to show one output as an image ([C, H, W]), or nil for 2-D points.
    var imageShape: [Int]? { get }
    /// Outputs for latents [n, latentDimension] and, for conditional generators, n class indices.
    func generate(_ z: Tensor, labels: [Int]?) -> Tensor
    /// The generator the latent tools work with: itself (latents are z), or a view whose latents
    /// are StyleGAN's w (`StyleSpaceGenerator`).
    var latentSpace: any SampleableGenerator { get }
    /// This generator's latents for z drawn from N(0, 1): z itself, or w for a W-space view.
    func latents(fromZ z: Tensor) -> Tensor
    /// "Z" or "W".
    var latentSpaceName: String { get }
    /// The size of the z that `latents(fromZ:)` takes.
    var zDimension: Int { get }
}

extension SampleableGenerator {
    public var classCount: Int { 0 }
    public var imageShape: [Int]? { sampleShape.count == 3 ? sampleShape : nil }
    public var latentSpace: any SampleableGenerator { self }
    public func latents(fromZ z: Tensor) -> Tensor { z }
    public var latentSpaceName: String { "Z" }
    public var zDimension: Int { latentDimension }
}

extension MLPGenerator: SampleableGenerator {
    public var latentDimension: Int { Self.latentDimension }
    public var sampleShape: [Int] { [784] }
    public var imageShape: [Int]? { [1, 28, 28] }
    public func generate(_ z: Tensor, labels: [Int]?) -> Tensor { self(z) }
}

extension DCGANGenerator: SampleableGenerator {
    public var latentDimension: Int { DCGANLayout.latentDimension }
    public var sampleShape: [Int] { layout.imageShape }
    public func generate(_ z: Tensor, labels: [Int]?) -> Tensor { self(z) }
}

extension ToyGenerator: SampleableGenerator {
    public var latentDimension: Int { Self.latentDimension }
    public var sampleShape: [Int] { [2] }
    public func generate(_ z: Tensor, labels: [Int]?) -> Tensor { self(z) }
}

extension ConditionalMLPGenerator: SampleableGenerator {
    public var latentDimension: Int { Self.latentDimension }
    public var classCount: Int { labelEmbedding.weight.shape[0] }
    public var sampleShape: [Int] { [outputShape.reduce(1, *)] }
    public var imageShape: [Int]? { outputShape }
    public func generate(_ z: Tensor, labels: [Int]?) -> Tensor { self(z, labels ?? Array(repeating: 0, count: z.shape[0])) }
}

extension ConditionalDCGANGenerator: SampleableGenerator {
    public var latentDimension: Int { Self.latentDimension }
    public var sampleShape: [Int] { Self.imageShape }
    public func generate(_ z: Tensor, labels: [Int]?) -> Tensor { self(z, labels ?? Array(repeating: 0, count: z.shape[0])) }
}

extension BigGANGenerator: SampleableGenerator {
    public var latentDimension: Int { Self.latentDimension }
    public var sampleShape: [Int] { Self.imageShape }
    public func generate(_ z: Tensor, labels: [Int]?) -> Tensor { self(z, labels ?? Array(repeating: 0, count: z.shape[0])) }
}

extension ModelRegistry {
    /// The family and an (untrained) generator for a weights file: the family its SwiftGAN
    /// metadata names, or `model` for files without it (PyTorch's). The caller loads the weights.
    /// `generator(forWeights:model:)` with the file's weights loaded into it (callers with checks
    /// to make before reading the weights build it first and load it themselves).
    public static func loadedGenerator(forWeights path: String, model: String?) throws -> (ModelFamily, any SampleableGenerator) {
        let (family, generator) = try generator(forWeights: path, model: model)
        try generator.load(from: path)
        return (family, generator)
    }

    public static func generator(forWeights path: String, model: String?) throws -> (ModelFamily, any SampleableGenerator) {
        let metadata = try Safetensors.readWithMetadata(path).metadata
        let recorded = metadata[WeightsMetadata.architecture] ?? metadata[WeightsMetadata.family]
        if let model, let recorded, model != recorded, model != metadata[WeightsMetadata.family] {
            throw ConfigError("\(path): holds a \(recorded) model (its metadata says so), not \(model); drop --model")
        }
        guard let name = model ?? recorded else {
            throw ConfigError("\(path): no SwiftGAN architecture in its metadata (a PyTorch file?); pass --model")
        }
        let family = try self.family(named: name)
        if let kind = metadata[WeightsMetadata.kind], kind == NamedModel.Role.discriminator.rawValue {
            let role = metadata[WeightsMetadata.role].map { $0 == kind ? "" : " (\($0))" } ?? ""
            throw ConfigError("\(path): the discriminator\(role) of a \(family.name) run; give its generator")
        }
        guard let make = family.makeGenerator else {
            throw ConfigError("\(path): model \(family.name) has no latent generator to sample")
        }
        guard let members = metadata[GeneratorEnsemble.metadataKey] else { return (family, try make(metadata)) }
        guard let count = Int(members), (2...GeneratorEnsemble.maximumMembers).contains(count) else {
            throw ConfigError("\(path): \(GeneratorEnsemble.metadataKey) must be a member count in 2...\(GeneratorEnsemble.maximumMembers), got '\(members)'")
        }
        return (family, GeneratorEnsemble(try (0..<count).map { _ in try make(metadata) }))
    }
}

extension SampleableGenerator {
    /// Outputs for all `latents` (and labels) in evaluation mode, made in batches of 1,024 into
    /// one buffer allocated up front, so an impossible request is an error rather than a crash
    /// and the activations stay small. The result is [n] + `sampleShape`.
    public func generateAll(_ latents: Tensor, labels: [Int]?) throws -> Tensor {
        let count = latents.shape[0], perSample = sampleShape.reduce(1, *)
        let output = try Tensor(checkedUninitializedShape: [count, perSample])
        eval()
        defer { train() }
        var start = 0
        while start < count {
            let end = min(start + 1024, count)
            let batch = withNoGrad { generate(latents.slice(axis: 0, start..<end), labels: labels.map { Array($0[start..<end]) }) }
            batch.withUnsafeBufferPointer { values in
                (output.storage.pointer + start * perSample).update(from: values.baseAddress!, count: values.count)
            }
            start = end
        }
        return output.reshaped([count] + sampleShape)
    }

    /// Refuses, in one line naming `what`, a sample count whose outputs and latents (and a copy
    /// while a file is encoded) cannot fit in this machine's memory, before anything is allocated.
    public func checkFits(_ count: Int, _ what: String) throws {
        let perSample = sampleShape.reduce(1, *) + latentDimension
        let (values, overflow) = count.multipliedReportingOverflow(by: perSample)
        let (bytes, overflow2) = values.multipliedReportingOverflow(by: 2 * MemoryLayout<Float>.stride)
        let memory = ProcessInfo.processInfo.physicalMemory
        guard overflow || overflow2 || UInt64(bytes) > memory else { return }
        let needed = overflow || overflow2 ? "more bytes than memory can address" : String(format: "%.1f GB", Double(bytes) / 1e9)
        throw ConfigError("\(what): the samples need \(needed), more than this machine's \(String(format: "%.1f GB", Double(memory) / 1e9)) of memory")
    }
}

extension StyleGANGenerator: SampleableGenerator {
    public var latentDimension: Int { Self.latentDimension }
    public var sampleShape: [Int] { imageShape }
    public func generate(_ z: Tensor, labels: [Int]?) -> Tensor { self(z) }
    /// The latent tools work in W.
    public var latentSpace: any SampleableGenerator { StyleSpaceGenerator(self) }
}

/// StyleGAN's generator seen from W, where the latent tools work for it: latents are w
/// [n, 128], the mapping network's outputs for z (truncated by the generator's ψ), and images
/// come from the synthesis network with that w at every layer and the generator's noise.
public final class StyleSpaceGenerator: Module, SampleableGenerator {
    public let base: StyleGANGenerator

    public init(_ base: StyleGANGenerator) {
        self.base = base
        super.init()
    }

    public var latentDimension: Int { StyleGANGenerator.styleDimension }
    public var sampleShape: [Int] { base.imageShape }
    public var latentSpaceName: String { "W" }
    public var zDimension: Int { base.latentDimension }
    public func generate(_ w: Tensor, labels: [Int]?) -> Tensor { base.synthesize(w, noise: &base.noise) }
    public func latents(fromZ z: Tensor) -> Tensor {
        let training = base.training
        base.eval()
        defer { base.train(training) }
        return withNoGrad { base.mapping(z, truncation: base.truncation) }
    }
}
