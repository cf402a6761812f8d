import Foundation
import SwiftGANCore
import SwiftGANEngine
import SwiftGANNN

/// The GAN-or-VAE decision table, measured: the convolutional VAE (`VAERecipe`, encoder and
/// decoder mirroring the DCGAN's D and G) and the DCGAN, trained on the same MNIST images for
/// the same steps, batch and seeds. Rows: sharpness (FID, precision), mode coverage (recall,
/// digits covered), training ease (the spread of FID across seeds), sampling speed (ms per image
/// at batch 1 and 256) and likelihood (the VAE's negative ELBO in nats per test image; a GAN
/// has none). The textbook: GANs give sharper samples, VAEs cover the data and train steadily,
/// and only the VAE gives a likelihood. It agrees when the DCGAN's precision is the higher and
/// the VAE's recall at least as high.
enum VAEComparison {
    static func run(_ lab: PracticeLab) throws -> ExperimentResult {
        let steps = lab.budget.vaeSteps
        let vae = try lab.trainSeeds("vae", "vae", steps: steps), gan = try lab.trainSeeds("dcgan", "dcgan", steps: steps)
        let n = lab.budget.evalSamples
        let fv = try lab.measure(vae, count: n).compactMap { $0 }, fg = try lab.measure(gan, count: n).compactMap { $0 }
        guard let vaeRun = vae.first(where: { !$0.diverged }), let ganRun = gan.first(where: { !$0.diverged }) else {
            throw PracticeError("every run of the \(fv.isEmpty ? "VAE" : "DCGAN") diverged")
        }
        let speedV = try samplingSpeed(vaeRun.generatorWeights), speedG = try samplingSpeed(ganRun.generatorWeights)
        let elbo = try vae.filter { !$0.diverged }.map { try negativeELBO($0, lab) }
        func col(_ f: [PracticeLab.Figures], _ key: KeyPath<PracticeLab.Figures, Double>, _ digits: Int = 2) -> String {
            Stats.describe(f.map { $0[keyPath: key] }, digits)
        }
        func spread(_ f: [PracticeLab.Figures]) -> String { f.count > 1 ? Stats.format(Stats.std(f.map(\.fid)), 1) : "n/a (one seed)" }
        let rows: [[String]] = [
            ["sharpness", "FID (lower is better)", col(fg, \.fid, 1), col(fv, \.fid, 1)],
            ["sharpness", "precision", col(fg, \.precision), col(fv, \.precision)],
            ["mode coverage", "recall", col(fg, \.recall), col(fv, \.recall)],
            ["mode coverage", "digits covered of 10", Stats.describe(fg.map { Double($0.modes) }, 1), Stats.describe(fv.map { Double($0.modes) }, 1)],
            ["training ease", "spread of FID over \(lab.seeds) seeds (std)", spread(fg), spread(fv)],
            ["training ease", "runs diverged", "\(gan.filter(\.diverged).count)", "\(vae.filter(\.diverged).count)"],
            ["sampling speed", "ms per image, batch 1", Stats.format(speedG.batch1, 3), Stats.format(speedV.batch1, 3)],
            ["sampling speed", "ms per image, batch 256", Stats.format(speedG.batch256, 4), Stats.format(speedV.batch256, 4)],
            ["likelihood", "negative ELBO, nats per test image", "none (a GAN has no likelihood)", Stats.describe(elbo, 1)],
        ]
        let (pG, pV) = (Stats.mean(fg.map(\.precision)), Stats.mean(fv.map(\.precision)))
        let (rG, rV) = (Stats.mean(fg.map(\.recall)), Stats.mean(fv.map(\.recall)))
        let agrees = pG > pV && rV >= rG
        var result = ExperimentResult(
            .vae,
            figures: String(format: "%d steps × %d seeds each; FID %@ GAN, %@ VAE; precision %.3f GAN, %.3f VAE; recall %.3f GAN, %.3f VAE; VAE negative ELBO %@ nats per image",
                            steps, lab.seeds, col(fg, \.fid, 1), col(fv, \.fid, 1), pG, pV, rG, rV, Stats.describe(elbo, 1)),
            conclusion: (pG > pV ? "The GAN's samples are the sharper (higher precision)" : "The VAE's samples scored the sharper here")
                + (rV >= rG ? "; the VAE covers the data at least as well (recall)" : "; the GAN also covers more of the data")
                + "; only the VAE gives a likelihood bound.",
            agrees: agrees,
            rule: "agrees when the GAN's mean precision is above the VAE's and the VAE's mean recall is at least the GAN's")
        result.tables = [.init(caption: "The decision table, measured (\(n) samples against the test images; mean ± std over seeds)",
                               headers: ["question", "measure", "GAN (DCGAN)", "VAE"], rows: rows)]
        result.images = try lab.sampleGrid(of: gan, "DCGAN samples") + lab.sampleGrid(of: vae, "VAE samples from the prior")
        return result
    }

    /// Milliseconds per image of the generator at `path`, at batch 1 (median of 21) and 256
    /// (median of 5), in evaluation mode.
    static func samplingSpeed(_ path: String) throws -> (batch1: Double, batch256: Double) {
        let generator = try PracticeLab.generator(path)
        var rng = RandomGenerator(seed: 1)
        func ms(batch: Int, repetitions: Int) -> Double {
            let z = rng.normal([batch, generator.latentDimension])
            _ = inEvaluationMode([generator]) { generator.generate(z, labels: nil) }
            let times = (0..<repetitions).map { _ -> Double in
                let t0 = DispatchTime.now().uptimeNanoseconds
                _ = inEvaluationMode([generator]) { generator.generate(z, labels: nil) }
                return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6 / Double(batch)
            }
            return times.sorted()[repetitions / 2]
        }
        return (ms(batch: 1, repetitions: 21), ms(batch: 256, repetitions: 5))
    }

    /// The run's negative ELBO per image on the budget's first test images.
    static func negativeELBO(_ run: PracticeLab.Run, _ lab: PracticeLab) throws -> Double {
        let recipe = VAERecipe(config: run.config)
        try recipe.decoder.load(from: run.directory + "/generator.safetensors")
        try recipe.encoder.load(from: run.directory + "/encoder.safetensors")
        let count = min(lab.testImages.count, lab.budget.likelihoodImages)
        return recipe.negativeELBO(of: lab.testImages.images(at: Array(0..<count))).negativeELBO
    }
}
