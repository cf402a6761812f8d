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
