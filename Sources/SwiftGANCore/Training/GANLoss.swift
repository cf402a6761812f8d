import SwiftGANEngine

/// The adversarial objectives of the literature, selectable by name. Each gives the
/// discriminator's (critic's) loss on real and fake outputs and the generator's loss.
///
/// ```swift
/// let loss = GANLoss.hinge
/// let lossD = loss.discriminatorLoss(real: D(x), fake: D(fake))
/// let lossG = loss.generatorLoss(real: nil, fake: D(G(z)))
/// ```
public enum GANLoss: String, CaseIterable, Codable, Sendable, ConfigScalar {
    /// The original minimax loss (Goodfellow et al.): G minimizes log(1 - D(G(z))), whose
    /// gradient vanishes when D wins.
    case saturating
    /// The non-saturating loss: G maximizes log D(G(z)).
    case nonSaturating = "ns"
    /// Wasserstein GAN (Arjovsky et al.) with the critic's weights clipped to ±`clipValue`.
    case wgan
    /// WGAN with gradient penalty (Gulrajani et al.): λ = 10 on random interpolates.
    case wganGP = "wgan-gp"
    /// Least squares GAN (Mao et al.), targets 1 for real and 0 for fake.
    case lsgan
    /// Hinge loss (Lim & Ye; Miyato et al.).
    case hinge
    /// Relativistic average GAN (Jolicoeur-Martineau) with the BCE loss.
    case ragan
    /// Relativistic average least squares GAN.
    case ralsgan

    /// The weight-clipping bound of the original WGAN.
    public static let clipValue: Float = 0.01
    /// The gradient-penalty weight λ of WGAN-GP.
    public static let gradientPenaltyWeight: Float = 10

    /// Whether the generator's loss needs D's output on real data too (the relativistic losses).
    public var generatorNeedsReal: Bool { self == .ragan || self == .ralsgan }
    /// Whether real labels can be smoothed (the losses with BCE targets).
    public var usesBCETargets: Bool { self == .saturating || self == .nonSaturating || self == .ragan }

    /// D's loss; `realTarget` below 1 is one-sided label smoothing (BCE losses only).
    public func discriminatorLoss(real: Tensor, fake: Tensor, realTarget: Float = 1) -> Tensor {
        switch self {
        case .saturating, .nonSaturating:
            return real.binaryCrossEntropyWithLogits(target: realTarget) + fake.binaryCrossEntropyWithLogits(target: 0)
        case .wgan, .wganGP:
            return fake.mean() - real.mean()
        case .lsgan:
            return (real - 1).pow(2).mean() * 0.5 + fake.pow(2).mean() * 0.5
        case .hinge:
            return (1 - real).relu().mean() + (1 + fake).relu().mean()
        case .ragan:
            return (real - fake.mean()).binaryCrossEntropyWithLogits(target: realTarget)
                + (fake - real.mean()).binaryCrossEntropyWithLogits(target: 0)
        case .ralsgan:
            return (real - fake.mean() - 1).pow(2).mean() + (fake - real.mean() + 1).pow(2).mean()
        }
    }

    /// G's loss; `real` is D's output on real data, needed by the relativistic losses.
    public func generatorLoss(real: Tensor? = nil, fake: Tensor) -> Tensor {
        switch self {
        case .saturating: return -fake.binaryCrossEntropyWithLogits(target: 0)
        case .nonSaturating: return fake.binaryCrossEntropyWithLogits(target: 1)
        case .wgan, .wganGP, .hinge: return -fake.mean()
        case .lsgan: return (fake - 1).pow(2).mean() * 0.5
        case .ragan:
            guard let real else { preconditionFailure("RaGAN's generator loss needs D's output on real data") }
            return (fake - real.mean()).binaryCrossEntropyWithLogits(target: 1) + (real - fake.mean()).binaryCrossEntropyWithLogits(target: 0)
        case .ralsgan:
            guard let real else { preconditionFailure("RaLSGAN's generator loss needs D's output on real data") }
            return (fake - real.mean() - 1).pow(2).mean() + (real - fake.mean() + 1).pow(2).mean()
        }
    }

    /// D's mean output as the logs report it: a probability for the BCE losses, a raw score otherwise.
    public func meanScore(_ output: Tensor) -> Float {
        withNoGrad { (usesBCETargets ? output.sigmoid() : output).mean().item }
    }

    /// After a critic update: the original WGAN clips the critic's weights to ±`clipValue`.
    public func constrainCritic(_ parameters: [Tensor]) {
        guard self == .wgan else { return }
        withNoGrad { for p in parameters { p.assign(p.clamp(min: -Self.clipValue, max: Self.clipValue)) } }
    }
}
