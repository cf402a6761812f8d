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
        guard (n == nil) != (z == nil) else { throw ValidationError("give exactly one of --n and --z") }
        guard png != nil || npy != nil else { throw ValidationError("give --png, --npy or both") }
        if let n, n <= 0 { throw ValidationError("--n must be positive") }
    }

    func run() throws {
        try reportingErrors {
            let model = try GANModelKind.of(weights: weights, given: model)
            var rng = RandomGenerator(seed: 0)
            let generator = model.makeGenerator(generator: &rng)
            try generator.load(from: weights)
            let latents: Tensor
            if let z {
                latents = try NPY.read(z)
                guard latents.rank == 2, latents.shape[1] == model.latentDimension else {
                    throw ValidationErrorLine(message: "\(z): latents have shape \(latents.shape); \(model.rawValue) needs [n, \(model.latentDimension)]")
                }
            } else {
                var zRNG = RandomGenerator(seed: seed)
                latents = model.sampleLatents(n!, generator: &zRNG)
            }
            generator.eval()
            let images = withNoGrad { generator(latents) }
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
                    let extent = max(1, images.scalars.map(abs).max() ?? 1) * 1.1
                    picture = ScatterPlot.png([.init(points: images, color: (214, 39, 40))], extent: extent)
                }
                try AtomicFile.write(picture, to: png)
                print("wrote \(png) (\(count) samples)")
            }
        }
    }
}
