import Foundation
import SwiftGANCore
import SwiftGANEngine
import SwiftGANNN

/// GAN inversion: the latent whose image best matches a given image, found by gradient descent
/// (Adam) on the pixel error plus, with an evaluator, the squared distance of its features (a
/// perceptual term that weighs shapes over exact grey levels).
///
/// ```swift
/// let result = try LatentProjection.project(target, generator: g, evaluator: .pretrained(for: .mnist), steps: 500)
/// print(result.pixelError, result.latent)
/// ```
public enum LatentProjection {
    public struct Result {
        /// The latent found, [1, d], and its image [1, C, H, W].
        public let latent: Tensor
        public let image: Tensor
        /// Mean squared pixel error (values in [-1, 1]) and feature distance, at the start and end.
        public let initialPixelError: Float
        public let pixelError: Float
        public let initialFeatureDistance: Float?
        public let featureDistance: Float?
    }

    /// Projects `target` [1, C, H, W] in [-1, 1] into `generator`'s latent space: the best of
    /// `starts` latents drawn from `seed` by the loss, then `steps` Adam steps of
    /// `learningRate` on pixel MSE + `featureWeight` · the evaluator's feature MSE. `label` is
    /// the class of a conditional generator. `progress` hears (step, loss) every 50 steps.
    public static func project(_ target: Tensor, generator: any SampleableGenerator, evaluator: EvaluatorNetwork?,
                               label: Int? = nil, steps: Int = 500, learningRate: Float = 0.05, featureWeight: Float = 1,
                               starts: Int = 16, seed: UInt64 = 0, progress: (Int, Float) -> Void = { _, _ in }) throws -> Result {
        guard let shape = generator.imageShape, target.shape == [1] + shape else {
            throw ConfigError("the image is \(target.shape.dropFirst().map(String.init).joined(separator: "×")); the generator makes \((generator.imageShape ?? generator.sampleShape).map(String.init).joined(separator: "×"))")
        }
        if let evaluator { try evaluator.checkInput(target.shape, "the images") }
        let labels = generator.classCount > 0 ? [label ?? 0] : nil
        let targetFeatures = evaluator.map { e in withNoGrad { e.embed(target) } }
        generator.eval()
        evaluator?.eval()
        defer { generator.train() }

        func errors(_ z: Tensor) -> (pixels: Tensor, features: Tensor?, image: Tensor) {
            let image = generator.generate(z, labels: labels).reshaped(target.shape)
            let pixels = (image - target).pow(2).mean()
            let features = evaluator.map { e in (e.embed(image) - targetFeatures!).pow(2).mean() }
            return (pixels, features, image)
        }
        func loss(_ e: (pixels: Tensor, features: Tensor?, image: Tensor)) -> Tensor {
            e.features.map { e.pixels + $0 * featureWeight } ?? e.pixels
        }

        var rng = RandomGenerator(seed: seed)
        let candidates = generator.latents(fromZ: Latents.draw([max(1, starts), generator.zDimension], truncation: nil, generator: &rng))
        var best = candidates.slice(axis: 0, 0..<1)
        var bestLoss = Float.infinity
        for i in 0..<candidates.shape[0] {
            let z = candidates.slice(axis: 0, i..<(i + 1))
            let value = withNoGrad { loss(errors(z)).item }
            if value < bestLoss { (best, bestLoss) = (z, value) }
        }
        let initial = withNoGrad { errors(best) }

        // Adam on z alone, gradients only for z (not the generator's or evaluator's weights).
        let latent = Tensor(best.scalars, shape: best.shape, requiresGrad: true)
        let optimizer = Adam(parameters: [latent], learningRate: learningRate)
        for step in 1...max(1, steps) {
            let value = loss(errors(latent))
            optimizer.update(grad(of: value, wrt: [latent]))
            if step % 50 == 0 || step == steps { progress(step, value.item) }
        }
        let final = withNoGrad { errors(latent) }
        return Result(latent: latent.detached(), image: final.image, initialPixelError: initial.pixels.item, pixelError: final.pixels.item,
                      initialFeatureDistance: initial.features?.item, featureDistance: final.features?.item)
    }
}
