import SwiftGANEngine

/// The adversarial objective: the discriminator's loss on real and fake logits and the
/// generator's loss on fake logits.
public enum GANLoss: String, CaseIterable, Codable, Sendable {
    /// Goodfellow et al.'s non-saturating loss: G maximizes log D(G(z)).
    case nonSaturating = "ns"
    /// The original minimax loss: G minimizes log(1 - D(G(z))); its gradient vanishes when D wins.
    case saturating

    /// BCE with real labelled 1 and fake labelled 0.
    public func discriminatorLoss(real: Tensor, fake: Tensor) -> Tensor {
        real.binaryCrossEntropyWithLogits(target: 1) + fake.binaryCrossEntropyWithLogits(target: 0)
    }

    public func generatorLoss(fake: Tensor) -> Tensor {
        switch self {
        case .nonSaturating: fake.binaryCrossEntropyWithLogits(target: 1)
        case .saturating: -fake.binaryCrossEntropyWithLogits(target: 0)
        }
    }
}
