import SwiftGANEngine
import SwiftGANNN

/// The convolutional VAE, trained as a recipe so that a GAN and a VAE share data, budget, run
/// directory, checkpoints and reports: per step, one Adam update of encoder and decoder on the
/// negative ELBO (`VAEObjective`) of a batch. Its decoder is saved as `generator.safetensors`
/// and samples like a generator; `negativeELBO(of:)` measures the likelihood bound on held-out
/// images. It is not adversarial (`ModelFamily.isAdversarial`): `loss_d` is 0 and the D-based
/// alarms and doctor's checks do not apply.
public final class VAERecipe: GANRecipe {
    public let config: TrainingConfig
    public let encoder: VAEEncoder
    public let decoder: VAEDecoder
    public let optimizer: Adam
    public let models: [NamedModel]
    public let optimizers: [NamedOptimizer]
    public var batchLayout: BatchLayout { .images }
    public var lossNames: [String] { ["loss_reconstruction", "loss_kl"] }
    /// The stream of the reparameterization's noise.
    public var noise: RandomGenerator
    private let names: (encoder: [String], decoder: [String])

    /// The settings only adversarial training has; a VAE run refuses them when changed.
    static let adversarialSettings = ["loss", "learningRateD", "discriminatorSteps", "gradientPenaltyWeight", "r1Gamma", "r2Gamma",
                                      "spectralNorm", "labelSmoothing", "instanceNoise", "emaDecay", "replayBufferSize",
                                      "minibatchStdDev", "minibatchDiscriminationKernels", "unrolledSteps", "orthogonalRegularization",
                                      "diffAugment"]

    public static let family = ModelFamily(
        name: "vae",
        summary: "a convolutional VAE (encoder: the DCGAN's D, decoder: its G) for 1×28×28 images, to compare with the GANs",
        isAdversarial: false,
        layout: .images, defaultShape: DataShape(sample: [1, 28, 28]),
        defaults: ["learningRateG": .double(1e-3), "beta1": .double(0.9)],
        validate: { config in
            let plain = try TrainingConfig.defaults(for: "vae")
            let changed = TrainingConfig.fields.filter { adversarialSettings.contains($0.key) && $0.value(in: config) != $0.value(in: plain) }
            if !changed.isEmpty {
                throw ConfigError("model vae is not adversarial; it does not take " + changed.map { "--\($0.flag)" }.joined(separator: ", ")
                                  + " (its learning rate is --lr-g)")
            }
        },
        makeGenerator: { _ in
            var rng = RandomGenerator(seed: 0)
            return VAEDecoder(generator: &rng)
        },
        makeRecipe: { config, shape in
            guard shape.sample == [1, 28, 28] else {
                throw ConfigError("model vae takes 1×28×28 images; the data has \(shape.sample.map(String.init).joined(separator: "×"))")
            }
            return VAERecipe(config: config)
        })

    public init(config: TrainingConfig) {
        self.config = config
        var rng = RandomGenerator(seed: config.seed)
        encoder = VAEEncoder(generator: &rng)
        decoder = VAEDecoder(generator: &rng)
        optimizer = config.adam(encoder.parameters() + decoder.parameters(), learningRate: config.learningRateG)
        noise = RandomGenerator(seed: config.seed &+ 0x5EED_0001)
        names = (encoder.namedParameters().map(\.0), decoder.namedParameters().map(\.0))
        models = [NamedModel("generator", decoder, role: .generator), NamedModel("encoder", encoder, role: .other)]
        optimizers = [NamedOptimizer("vae", optimizer, updates: ["generator", "encoder"], schedule: config.learningRateSchedule)]
    }

    public var architectureMetadata: [String: String] { [WeightsMetadata.architecture: "vae"] }

    public var randomStreams: [String: RandomGenerator] {
        get { ["noise": noise] }
        set { noise = newValue["noise"] ?? noise }
    }

    public var counters: [String: Int] {
        get { [:] }
        set {}
    }

    public func step(_ step: Int, diagnostics: Bool, nextBatch: () -> Batch) -> StepStatistics {
        let x = nextBatch().real!
        let eps = noise.normal([x.shape[0], DCGANLayout.latentDimension])
        var terms: VAEObjective.Terms?
        let (loss, grads) = valueAndGrad(optimizer.parameters) {
            terms = VAEObjective.terms(encoder: encoder, decoder: decoder, images: x, noise: eps)
            return terms!.negativeELBO
        }
        var stats = StepStatistics(lossD: 0, lossG: loss.item, realScore: 0, fakeScore: 0)
        stats.losses = ["loss_reconstruction": terms!.reconstruction.item, "loss_kl": terms!.kl.item]
        if diagnostics {
            let e = names.encoder.count
            stats.recordGradientNorms(of: models[0], names: names.decoder, gradients: Array(grads[e...]))
            stats.recordGradientNorms(of: models[1], names: names.encoder, gradients: Array(grads[..<e]))
        }
        if loss.item.isFinite { optimizer.update(grads) }
        return stats
    }

    /// The negative ELBO in nats per image of `images` ([n, 1, 28, 28] in [-1, 1]), its
    /// reconstruction and KL terms, with the models in evaluation mode and one draw of z per
    /// image from a stream seeded with `seed` (training's own streams are left alone).
    public func negativeELBO(of images: Tensor, seed: UInt64 = 0xE1B0) -> (negativeELBO: Double, reconstruction: Double, kl: Double) {
        var rng = RandomGenerator(seed: seed)
        var reconstruction = 0.0, kl = 0.0
        let n = images.shape[0]
        for start in stride(from: 0, to: n, by: 500) {
            let x = images.slice(axis: 0, start..<min(n, start + 500))
            let eps = rng.normal([x.shape[0], DCGANLayout.latentDimension])
            let t = inEvaluationMode([encoder, decoder]) { VAEObjective.terms(encoder: encoder, decoder: decoder, images: x, noise: eps) }
            reconstruction += Double(t.reconstruction.item) * Double(x.shape[0])
            kl += Double(t.kl.item) * Double(x.shape[0])
        }
        return ((reconstruction + kl) / Double(n), reconstruction / Double(n), kl / Double(n))
    }

    public func panelInputs(count: Int, reference: Batch, generator rng: inout RandomGenerator) -> PanelInputs {
        PanelInputs(latents: rng.normal([count, DCGANLayout.latentDimension]), batch: reference)
    }

    /// Decoder means for latents drawn from the prior.
    public func panel(_ inputs: PanelInputs) -> Panel {
        let images = inEvaluationMode([decoder]) { decoder(inputs.latents!) }
        return Panel(images: images, generated: images.reshaped([images.shape[0], -1]))
    }
}
