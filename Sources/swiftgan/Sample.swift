import ArgumentParser
import Foundation
import SwiftGAN

struct Sample: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Generate images with trained generator weights.")

    @Option(help: "The model the weights belong to (read from SwiftGAN files; needed for PyTorch's).")
    var model: GANModelKind?
    @Option(help: "Generator weights (safetensors, ours or saved by PyTorch).")
    var weights: String
    @Option(help: "Number of samples drawn from N(0, 1).")
    var n: Int?
    @Option(help: "Seed for the latents.")
    var seed: UInt64 = 0
    @Option(help: "Latents as a float32 .npy of shape [n, latent size].")
    var z: String?
    @Option(help: "Write a sample grid PNG here.")
    var png: String?
    @Option(help: "Write the raw outputs as a float32 .npy here.")
    var npy: String?

    func validate() throws {
        guard (n == nil) != (z == nil) else { throw ValidationErrorLine(message: "give exactly one of --n and --z") }
        guard png != nil || npy != nil else { throw ValidationErrorLine(message: "give --png, --npy or both") }
        if let n, n <= 0 { throw ValidationErrorLine(message: "--n must be positive") }
    }

    func run() throws {
        try reportingErrors {
            let model = try GANModelKind.of(weights: weights, given: model)
            if let n { try checkFits(n, model, flag: "--n \(n)") }
            var rng = RandomGenerator(seed: 0)
            let generator = model.makeGenerator(generator: &rng)
            try generator.load(from: weights)
            let latents: Tensor
            if let z {
                latents = try NPY.read(z)
                guard latents.rank == 2, latents.shape[1] == model.latentDimension else {
                    throw ValidationErrorLine(message: "\(z): latents have shape \(latents.shape); \(model.rawValue) needs [n, \(model.latentDimension)]")
                }
                try checkFits(latents.shape[0], model, flag: "\(z): \(latents.shape[0]) latents")
            } else {
                var zRNG = RandomGenerator(seed: seed)
                latents = model.sampleLatents(n!, generator: &zRNG)
            }
            generator.eval()
            let images = try generate(generator, latents, model)
            let count = latents.shape[0]
            if let npy {
                try NPY.write(images.reshaped(model.outputShape(batch: count)), to: npy)
                print("wrote \(npy) \(model.outputShape(batch: count))")
            }
            if let png {
                let picture: Data
                if model.makesImages {
                    picture = ImageGrid.png(images.reshaped([count] + model.imageShape))
                } else {
                    let finite = images.scalars.filter(\.isFinite)
                    let extent = max(1, finite.map(abs).max() ?? 1) * 1.1
                    let plot = ScatterPlot.render([.init(points: images, color: (214, 39, 40))], extent: extent)
                    if plot.skipped > 0 {
                        FileHandle.standardError.write(Data("warning: \(plot.skipped) of \(count) samples are not finite and are not plotted\n".utf8))
                    }
                    picture = plot.png
                }
                try AtomicFile.write(picture, to: png)
                print("wrote \(png) (\(count) samples)")
            }
        }
    }

    /// Refuses, in one line, a sample count whose outputs (and their encoding for the files)
    /// cannot fit in this machine's memory, before anything is allocated.
    private func checkFits(_ count: Int, _ model: GANModelKind, flag: String) throws {
        let perSample = model.imageShape.reduce(1, *) + model.latentDimension
        // The outputs, the latents and a copy while the file is encoded, in Float32.
        let (values, overflow) = count.multipliedReportingOverflow(by: perSample)
        let (bytes, overflow2) = values.multipliedReportingOverflow(by: 2 * MemoryLayout<Float>.stride)
        let memory = ProcessInfo.processInfo.physicalMemory
        guard overflow || overflow2 || UInt64(bytes) > memory else { return }
        let needed = overflow || overflow2 ? "more bytes than memory can address" : String(format: "%.1f GB", Double(bytes) / 1e9)
        throw ValidationErrorLine(message: "\(flag): the samples need \(needed), more than this machine's \(String(format: "%.1f GB", Double(memory) / 1e9)) of memory")
    }

    /// The generator's outputs for `latents`, made in batches into one buffer allocated up front
    /// (so an impossible allocation is an error message, and the activations stay small).
    private func generate(_ generator: any UnaryLayer, _ latents: Tensor, _ model: GANModelKind) throws -> Tensor {
        let count = latents.shape[0], perSample = model.imageShape.reduce(1, *)
        let output = try Tensor(checkedUninitializedShape: [count, perSample])
        let batchSize = 1024
        var start = 0
        while start < count {
            let end = min(start + batchSize, count)
            let batch = withNoGrad { generator(latents.slice(axis: 0, start..<end)) }
            batch.withUnsafeBufferPointer { values in
                (output.storage.pointer + start * perSample).update(from: values.baseAddress!, count: values.count)
            }
            start = end
        }
        return output
    }
}
