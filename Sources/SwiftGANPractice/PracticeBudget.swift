/// How much training the practice lab spends: steps of each experiment, the model of the
/// comparisons, and how many images each measurement draws. Every experiment runs on MNIST.
public struct PracticeBudget: Sendable {
    public let name: String
    /// Experiment 1's steps (the full budget: 10 epochs of MNIST at batch 64).
    public let minimalSteps: Int
    /// Experiment 2 watches G's gradient over this many first steps.
    public let gradientSteps: Int
    /// The model of experiments 3 to 5: the MLP GAN, or the DCGAN.
    public let comparisonModel: String
    /// Steps of experiments 3 and 4 (G steps for 5).
    public let comparisonSteps: Int
    public let wganSteps: Int
    /// Steps of the VAE and of the DCGAN beside it.
    public let vaeSteps: Int
    /// Generated and real images per FID, precision and recall (experiment 5 takes 5,000 of
    /// each whatever the budget, as its claim is stated at that size).
    public let evalSamples: Int
    public let wganEvalSamples: Int
    /// Test images the VAE's negative ELBO is averaged over.
    public let likelihoodImages: Int

    /// The MLP GAN throughout, a few epochs: the whole lab in under 30 minutes on 2 cores.
    public static let quick = PracticeBudget(name: "quick", minimalSteps: 3000, gradientSteps: 500, comparisonModel: "mlp",
                                             comparisonSteps: 2000, wganSteps: 1000, vaeSteps: 1000, evalSamples: 2000,
                                             wganEvalSamples: 5000, likelihoodImages: 10_000)
    /// As the experiments are described: 10 epochs of the minimal GAN, the DCGAN for the
    /// comparisons and beside the VAE.
    public static let full = PracticeBudget(name: "full", minimalSteps: 9375, gradientSteps: 500, comparisonModel: "dcgan",
                                            comparisonSteps: 2000, wganSteps: 1500, vaeSteps: 3000, evalSamples: 5000,
                                            wganEvalSamples: 5000, likelihoodImages: 10_000)
    /// A minute's run that exercises every experiment and the report (tests, trying it out);
    /// its numbers mean nothing.
    public static let tiny = PracticeBudget(name: "tiny", minimalSteps: 60, gradientSteps: 40, comparisonModel: "mlp",
                                            comparisonSteps: 40, wganSteps: 20, vaeSteps: 20, evalSamples: 300,
                                            wganEvalSamples: 300, likelihoodImages: 300)

    public static let all = [quick, full, tiny]

    public static func named(_ name: String) throws -> PracticeBudget {
        guard let budget = all.first(where: { $0.name == name }) else {
            throw PracticeError("--budget: unknown budget '\(name)' (choose from \(all.map(\.name).joined(separator: ", ")))")
        }
        return budget
    }
}
