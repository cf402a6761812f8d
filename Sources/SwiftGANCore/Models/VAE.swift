import SwiftGANEngine
import SwiftGANNN

/// The encoder of the convolutional VAE (Kingma & Welling), the DCGAN discriminator for 1×28×28
/// images with its last convolution giving the posterior's mean and log-variance instead of a
/// logit: images [n, 1, 28, 28] → (μ, log σ²), each [n, 100].
public final class VAEEncoder: Module {
    public let net: Sequential

    public init(generator rng: inout RandomGenerator) {
        let z = DCGANLayout.latentDimension
        net = Sequential([Conv2d(1, 64, kernelSize: 4, stride: 2, padding: 1, generator: &rng), LeakyReLU(negativeSlope: 0.2),
                          Conv2d(64, 128, kernelSize: 4, stride: 2, padding: 1, bias: false, generator: &rng), BatchNorm2d(128),
                          LeakyReLU(negativeSlope: 0.2), Conv2d(128, 2 * z, kernelSize: 7, generator: &rng), Flatten()])
        super.init()
        DCGANInit.apply(to: self, generator: &rng)
    }

    /// The posterior's mean and log-variance.
    public func callAsFunction(_ x: Tensor) -> (mean: Tensor, logVariance: Tensor) {
        let out = net(x)
        let z = DCGANLayout.latentDimension
        return (out.slice(axis: 1, 0..<z), out.slice(axis: 1, z..<(2 * z)))
    }
}

/// The decoder of the convolutional VAE: the DCGAN generator for 1×28×28 images (same layers
/// and names) whose output is the logit of a Bernoulli per pixel rather than its tanh. As a
/// generator it returns the Bernoulli means in the DCGAN's range, 2σ(a) − 1 = tanh(a/2), so
/// `sample`, `eval` and `serve` treat it as any generator.
public final class VAEDecoder: Module, UnaryLayer {
    public let net: Sequential

    public init(generator rng: inout RandomGenerator) {
        net = Sequential(Array(DCGANLayout.mnist28.generatorLayers(&rng).dropLast()))
        super.init()
        DCGANInit.apply(to: self, generator: &rng)
    }

    /// Pixel logits [n, 1, 28, 28] for z [n, 100].
    public func logits(_ z: Tensor) -> Tensor {
        net(z.rank == 2 ? z.reshaped([z.shape[0], z.shape[1], 1, 1]) : z)
    }

    /// Images in [-1, 1]: the Bernoulli means, rescaled.
    public func callAsFunction(_ z: Tensor) -> Tensor { (logits(z) * 0.5).tanh() }
}

extension VAEDecoder: SampleableGenerator {
    public var latentDimension: Int { DCGANLayout.latentDimension }
    public var sampleShape: [Int] { DCGANLayout.mnist28.imageShape }
    public func generate(_ z: Tensor, labels: [Int]?) -> Tensor { self(z) }
}

/// The VAE's objective for images x in [-1, 1]: the negative evidence lower bound in nats per
/// image, −E_q[log p(x|z)] + KL(q(z|x) ‖ N(0, I)), with one reparameterized draw of z. The
/// decoder is a Bernoulli per pixel on grey levels (x + 1)/2 ∈ [0, 1], the usual MNIST VAE
/// likelihood; the reconstruction term is its cross-entropy summed over pixels.
public enum VAEObjective {
    public struct Terms {
        public let reconstruction: Tensor
        public let kl: Tensor
        public var negativeELBO: Tensor { reconstruction + kl }
    }

    public static func terms(encoder: VAEEncoder, decoder: VAEDecoder, images x: Tensor, noise eps: Tensor) -> Terms {
        let n = Float(x.shape[0])
        let (mean, logVariance) = encoder(x)
        let z = mean + (logVariance * 0.5).exp() * eps
        let a = decoder.logits(z)
        let target = (x + 1) * 0.5
        // BCE with logits, summed: (1 − t)·a + softplus(−a).
        let reconstruction = ((1 - target) * a + (-a).softplus()).sum() / n
        let kl = ((mean * mean + logVariance.exp() - logVariance - 1).sum() * 0.5) / n
        return Terms(reconstruction: reconstruction, kl: kl)
    }
}
