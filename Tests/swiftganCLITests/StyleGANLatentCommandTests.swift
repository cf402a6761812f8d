import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

/// The latent tools on StyleGAN work in W: interpolation lerps between the seeds' w (with
/// --truncation applied), style-mix takes coarse layers from one seed and fine from another,
/// projection finds a w that `sample --w` renders again, and `eval --ppl` measures the path
/// length in Z and W. Other models refuse what only StyleGAN has, in one line.
@Suite(.serialized) struct StyleGANLatentCommandTests {
    let cli = CLITests()
    static let weights = Fixtures.path("torch_stylegan_generator.safetensors")

    static func generator() throws -> StyleGANGenerator {
        var rng = RandomGenerator(seed: 0)
        let g = StyleGANGenerator(generator: &rng)
        try g.load(from: weights)
        g.eval()
        return g
    }

    /// w of seed `seed` (the z `sample --n 1 --seed` draws) with truncation ψ.
    static func w(_ g: StyleGANGenerator, seed: UInt64, psi: Float = 1) -> Tensor {
        withNoGrad { g.mapping(Latents.forSeeds([seed], dimension: 128, truncation: nil), truncation: psi) }
    }

    @Test func interpolatesInW() throws {
        let dir = try Fixtures.temporaryDirectory()
        let result = try cli.swiftgan(["latent", "interpolate", "--model", "stylegan", "--weights", Self.weights, "--seeds", "7,9",
                                       "--steps", "3", "--truncation", "0.7", "--npy", dir + "/path.npy"])
        #expect(result.status == 0, "interpolate failed: \(result.error)")
        let frames = try NPY.read(dir + "/path.npy")
        let sample = try cli.swiftgan(["sample", "--model", "stylegan", "--weights", Self.weights, "--n", "1", "--seed", "7",
                                       "--truncation", "0.7", "--npy", dir + "/seven.npy"])
        #expect(sample.status == 0)
        #expect(relativeError(frames.slice(axis: 0, 0..<1), try NPY.read(dir + "/seven.npy")) < 1e-6, "frame 0 is seed 7's image")
        let g = try Self.generator()
        let middle = (Self.w(g, seed: 7, psi: 0.7) + Self.w(g, seed: 9, psi: 0.7)) * 0.5
        var noise = SynthesisNoise(.constant)
        #expect(relativeError(frames.slice(axis: 0, 1..<2), withNoGrad { g.synthesize(middle, noise: &noise) }) < 1e-4,
                "the midpoint is the image of the mean w")
    }

    @Test func styleMixTakesCoarseLayersFromOneSeedAndFineFromAnother() throws {
        let dir = try Fixtures.temporaryDirectory()
        let result = try cli.swiftgan(["latent", "style-mix", "--model", "stylegan", "--weights", Self.weights, "--coarse", "1,2",
                                       "--fine", "3,4,5", "--cutoff", "2", "--npy", dir + "/mix.npy", "--png", dir + "/mix.png"])
        #expect(result.status == 0, "style-mix failed: \(result.error)")
        let mixed = try NPY.read(dir + "/mix.npy")
        #expect(mixed.shape == [6, 1, 32, 32])
        let g = try Self.generator()
        let expected = withNoGrad { g.mixing(coarse: Self.w(g, seed: 2), fine: Self.w(g, seed: 4), cutoff: 2) }
        #expect(relativeError(mixed.slice(axis: 0, 4..<5), expected) < 1e-4, "row 2 (seed 2), column 2 (seed 4)")
        #expect(relativeError(mixed.slice(axis: 0, 4..<5), mixed.slice(axis: 0, 3..<4)) > 1e-3, "the fine seed matters")
        let grid = try ImageFile.decode(dir + "/mix.png")
        #expect(grid.width == 4 * 34 + 2 && grid.height == 3 * 34 + 2, "a corner, 3 fine seeds across, 2 coarse rows")
        cli.expectOneLineError(try cli.swiftgan(["latent", "style-mix", "--model", "stylegan", "--weights", Self.weights, "--coarse", "1",
                                                 "--fine", "2", "--cutoff", "8", "--npy", dir + "/x.npy"]), naming: "--cutoff")
        let (dcgan, _) = try untrainedWeights("dcgan", in: dir)
        cli.expectOneLineError(try cli.swiftgan(["latent", "style-mix", "--weights", dcgan, "--coarse", "1", "--fine", "2",
                                                 "--npy", dir + "/x.npy"]), naming: "StyleGAN")
        cli.expectOneLineError(try cli.swiftgan(["sample", "--weights", dcgan, "--w", dir + "/x.npy", "--npy", dir + "/y.npy"]), naming: "--w")
    }

    @Test func projectsIntoWAndSampleRendersTheLatent() throws {
        let dir = try Fixtures.temporaryDirectory()
        let g = try Self.generator()
        var noise = SynthesisNoise(.constant)
        try NPY.write(withNoGrad { g.synthesize(Self.w(g, seed: 11), noise: &noise) }, to: dir + "/target.npy")
        let result = try cli.swiftgan(["latent", "project", "--model", "stylegan", "--weights", Self.weights, "--image", dir + "/target.npy",
                                       "--steps", "10", "--starts", "2", "--feature-weight", "0", "--z", dir + "/w.npy"])
        #expect(result.status == 0, "project failed: \(result.error)")
        #expect(result.output.contains("(a W latent)"))
        let w = try NPY.read(dir + "/w.npy")
        #expect(w.shape == [1, 128])
        let sample = try cli.swiftgan(["sample", "--model", "stylegan", "--weights", Self.weights, "--w", dir + "/w.npy", "--npy", dir + "/back.npy"])
        #expect(sample.status == 0, "sample --w failed: \(sample.error)")
        #expect(relativeError(try NPY.read(dir + "/back.npy"), withNoGrad { g.synthesize(w, noise: &noise) }) < 1e-5)
    }

    @Test func evalMeasuresPathLengthInZAndW() throws {
        let dir = try Fixtures.temporaryDirectory()
        try TinyDataset.write(to: dir, count: 20, split: "test")
        try TinyDataset.write(to: dir, count: 20)
        let result = try cli.swiftgan(["eval", "--model", "stylegan", "--weights", Self.weights, "--data-dir", dir, "--n", "20",
                                       "--ppl", "--ppl-samples", "50", "--json"])
        #expect(result.status == 0, "eval --ppl failed: \(result.error)")
        let json = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as! [String: Any]
        let (z, w) = (json["ppl_z"] as? Double, json["ppl_w"] as? Double)
        #expect((z ?? 0) > 0 && (w ?? 0) > 0, "both path lengths: \(String(describing: z)), \(String(describing: w))")
        let (dcgan, _) = try untrainedWeights("dcgan", in: dir)
        let plain = try cli.swiftgan(["eval", "--weights", dcgan, "--data-dir", dir, "--n", "20", "--ppl", "--ppl-samples", "50", "--json"])
        #expect(plain.status == 0)
        let fields = try JSONSerialization.jsonObject(with: Data(plain.output.utf8)) as! [String: Any]
        #expect(fields["ppl_z"] != nil && fields["ppl_w"] == nil, "a DCGAN has Z only")
    }
}
