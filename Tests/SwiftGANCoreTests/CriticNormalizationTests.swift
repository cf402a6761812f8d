import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

/// `--d-norm`: a DCGAN critic under a gradient penalty has no batch norm (the per-sample
/// penalty assumes each output depends on its own sample only), the plain DCGAN keeps it, and
/// the setting is refused where D has none to switch.
@Suite struct CriticNormalizationTests {
    static func discriminator(_ arguments: [String]) throws -> Module {
        let config = try TrainingConfig.resolve(file: nil, arguments: ["--model", "dcgan", "--batch", "8"] + arguments)
        let trainer = try GANTrainer(config: config, data: DataShape(sample: [1, 28, 28]))
        return try #require(trainer.recipe.models.first { $0.name == "discriminator" }?.module)
    }

    /// The largest change of sample 0's output when the rest of its batch changes, in train mode.
    static func dependenceOnTheBatch(_ d: Module) -> Float {
        let layer = d as! any UnaryLayer
        d.train()
        var rng = RandomGenerator(seed: 3)
        let x = rng.normal([8, 1, 28, 28]).tanh()
        let other = rng.normal([8, 1, 28, 28]).tanh()
        let mixed = Tensor.concat([x.rows([0]), other.rows(Array(1..<8))], axis: 0)
        let (a, b) = withNoGrad { (layer(x).rows([0]), layer(mixed).rows([0])) }
        return relativeError(a, b)
    }

    @Test func theWGANGPCriticHasNoBatchNorm() throws {
        let critic = try Self.discriminator(["--loss", "wgan-gp"])
        let names = critic.namedParameters().map(\.0) + critic.namedBuffers().map(\.0)
        #expect(!names.contains { $0.contains("running_mean") }, "\(names)")
        #expect(names.contains("net.2.bias"), "the convolution where batch norm was has a bias: \(names)")
        #expect(Self.dependenceOnTheBatch(critic) < 1e-5, "each output is its own sample's")

        // Any gradient penalty on interpolates does the same; --d-norm batch keeps batch norm.
        let penalized = try Self.discriminator(["--gradient-penalty", "5"])
        #expect(!penalized.namedBuffers().map(\.0).contains { $0.contains("running_mean") })
        let batched = try Self.discriminator(["--loss", "wgan-gp", "--d-norm", "batch"])
        #expect(batched.namedBuffers().map(\.0).contains("net.3.running_mean"))
        #expect(Self.dependenceOnTheBatch(batched) > 1e-3, "with batch norm sample 0's output moves with its batch")
    }

    @Test func thePlainDCGANKeepsBatchNorm() throws {
        let d = try Self.discriminator([])
        #expect(d.namedBuffers().map(\.0).contains("net.3.running_mean"))
        #expect(!d.namedParameters().map(\.0).contains("net.2.bias"), "the layout PyTorch's state_dicts have")
        let unnormalized = try Self.discriminator(["--d-norm", "none"])
        #expect(!unnormalized.namedBuffers().map(\.0).contains { $0.contains("running_mean") })
    }

    @Test func refusedWhereDHasNoBatchNorm() throws {
        #expect(throws: ConfigError.self) { try TrainingConfig.resolve(file: nil, arguments: ["--model", "mlp", "--d-norm", "none"]).validate() }
        do {
            _ = try TrainingConfig.resolve(file: nil, arguments: ["--model", "dcgan", "--d-norm", "layer"])
            Issue.record("--d-norm layer was accepted")
        } catch {
            #expect("\(error)".contains("--d-norm"), "\(error)")
        }
    }
}
