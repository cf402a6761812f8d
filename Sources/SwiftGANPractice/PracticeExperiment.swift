/// The experiments of the practice lab, by the name `swiftgan practice` takes.
public enum PracticeExperiment: String, CaseIterable, Sendable {
    case minimalGAN = "1"
    case saturatingLoss = "2"
    case spectralNorm = "3"
    case slowDiscriminator = "4"
    case wassersteinGP = "5"
    case precisionRecall = "6"
    case vae

    public var title: String {
        switch self {
        case .minimalGAN: "the minimal GAN, non-saturating loss"
        case .saturatingLoss: "the saturating loss and G's gradient"
        case .spectralNorm: "spectral norm in D across seeds"
        case .slowDiscriminator: "D's learning rate at 1/10 of G's"
        case .wassersteinGP: "WGAN-GP"
        case .precisionRecall: "precision and recall against the training data"
        case .vae: "GAN or VAE: the decision table"
        }
    }

    /// The textbook claim the experiment tests.
    public var claim: String {
        switch self {
        case .minimalGAN: "both losses oscillate in a band rather than converge"
        case .saturatingLoss: "with the saturating loss G's gradient vanishes while D wins"
        case .spectralNorm: "spectral norm makes runs agree across seeds"
        case .slowDiscriminator: "with D's learning rate at 1/10 of G's, G \"wins\" but produces one or two modes"
        case .wassersteinGP: "WGAN-GP trains without collapse"
        case .precisionRecall: "precision and recall separate quality from coverage"
        case .vae: "GANs give sharper samples; VAEs cover the data, train steadily and give a likelihood"
        }
    }

    /// The experiments `practice NAME` runs: one, or every one for `all`.
    public static func selection(_ name: String) throws -> [PracticeExperiment] {
        if name == "all" { return allCases }
        guard let one = PracticeExperiment(rawValue: name) else {
            throw PracticeError("unknown experiment '\(name)' (choose all, 1, 2, 3, 4, 5, 6 or vae)")
        }
        return [one]
    }

    func run(in lab: PracticeLab) throws -> ExperimentResult {
        switch self {
        case .minimalGAN: try MinimalGANExperiment.run(lab)
        case .saturatingLoss: try SaturatingLossExperiment.run(lab)
        case .spectralNorm: try SpectralNormExperiment.run(lab)
        case .slowDiscriminator: try SlowDiscriminatorExperiment.run(lab)
        case .wassersteinGP: try WassersteinExperiment.run(lab)
        case .precisionRecall: try PrecisionRecallExperiment.run(lab)
        case .vae: try VAEComparison.run(lab)
        }
    }
}
