import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

/// `swiftgan latent interpolate`: the path's ends are the images `sample --n 1 --seed S` gives,
/// slerp differs from lerp between them, the strip, the animated PNG and the arrays agree, a
/// conditional model keeps its class, and bad requests are one-line errors.
@Suite(.serialized) struct LatentCommandTests {
    let cli = CLITests()

    func sampleOne(_ weights: String, seed: Int, extra: [String] = [], in dir: String) throws -> Tensor {
        let result = try cli.swiftgan(["sample", "--weights", weights, "--n", "1", "--seed", String(seed), "--npy", dir + "/one.npy"] + extra)
        #expect(result.status == 0, "sample failed: \(result.error)")
        return try NPY.read(dir + "/one.npy")
    }

    @Test func interpolatesBetweenTheSeedsImages() throws {
        let dir = try Fixtures.temporaryDirectory()
        let (weights, _) = try untrainedWeights("dcgan", in: dir)
        let result = try cli.swiftgan(["latent", "interpolate", "--weights", weights, "--seeds", "7,9", "--steps", "5",
                                       "--npy", dir + "/path.npy", "--png", dir + "/path.png", "--apng", dir + "/path.apng"])
        #expect(result.status == 0, "interpolate failed: \(result.error)")
        let frames = try NPY.read(dir + "/path.npy")
        #expect(frames.shape == [5, 1, 28, 28])
        #expect(relativeError(frames.slice(axis: 0, 0..<1), try sampleOne(weights, seed: 7, in: dir)) < 1e-6, "frame 0 is seed 7's image")
        #expect(relativeError(frames.slice(axis: 0, 4..<5), try sampleOne(weights, seed: 9, in: dir)) < 1e-6, "the last is seed 9's")

        let slerp = try cli.swiftgan(["latent", "interpolate", "--weights", weights, "--seeds", "7,9", "--steps", "5", "--slerp",
                                      "--npy", dir + "/slerp.npy"])
        #expect(slerp.status == 0)
        let spherical = try NPY.read(dir + "/slerp.npy")
        #expect(relativeError(spherical.slice(axis: 0, 0..<1), frames.slice(axis: 0, 0..<1)) < 1e-6)
        #expect(relativeError(spherical.slice(axis: 0, 2..<3), frames.slice(axis: 0, 2..<3)) > 1e-3, "slerp's midpoint is not lerp's")

        let strip = try ImageFile.decode(dir + "/path.png")
        #expect(strip.width == 5 * 30 + 2 && strip.height == 32)
        let text = try PNGText.read(file: dir + "/path.png")
        #expect(text.contains { $0.keyword == "swiftgan:seed" && $0.text == "lerp from seed 7 to seed 9 in 5 steps" })
        let animated = try ImageFile.decode(dir + "/path.apng")
        #expect(animated.width == 112 && animated.height == 112, "frames scaled 4×")
        let first = ImageGrid.frames(frames.slice(axis: 0, 0..<1), scale: 4).frames[0]
        #expect(animated.pixels == first, "the animation's first frame is frame 0")
    }

    @Test func conditionalModelsKeepTheirClass() throws {
        let dir = try Fixtures.temporaryDirectory()
        let (weights, _) = try untrainedWeights("cgan", in: dir)
        let result = try cli.swiftgan(["latent", "interpolate", "--weights", weights, "--seeds", "3,4", "--steps", "3", "--class", "6",
                                       "--npy", dir + "/path.npy"])
        #expect(result.status == 0, "interpolate failed: \(result.error)")
        let frames = try NPY.read(dir + "/path.npy")
        #expect(relativeError(frames.slice(axis: 0, 2..<3), try sampleOne(weights, seed: 4, extra: ["--class", "6"], in: dir)) < 1e-6)
    }

    @Test func refusesBadRequests() throws {
        let dir = try Fixtures.temporaryDirectory()
        let (weights, _) = try untrainedWeights("dcgan", in: dir)
        let base = ["latent", "interpolate", "--weights", weights]
        cli.expectOneLineError(try cli.swiftgan(base + ["--seeds", "7", "--png", dir + "/x.png"]), naming: "--seeds")
        cli.expectOneLineError(try cli.swiftgan(base + ["--seeds", "7,-1", "--png", dir + "/x.png"]), naming: "--seeds")
        cli.expectOneLineError(try cli.swiftgan(base + ["--seeds", "7,8", "--steps", "1", "--png", dir + "/x.png"]), naming: "--steps")
        cli.expectOneLineError(try cli.swiftgan(base + ["--seeds", "7,8"]), naming: "--png")
        cli.expectOneLineError(try cli.swiftgan(base + ["--seeds", "7,8", "--class", "2", "--png", dir + "/x.png"]), naming: "not conditional")
        let (toy, _) = try untrainedWeights("toy", in: dir, file: "toy.safetensors")
        cli.expectOneLineError(try cli.swiftgan(["latent", "interpolate", "--weights", toy, "--seeds", "1,2", "--png", dir + "/x.png"]),
                               naming: "2-D points")
        #expect(!FileManager.default.fileExists(atPath: dir + "/x.png"))
    }
}

extension LatentCommandTests {
    @Test func arithmeticRendersClassMeansAndTheirSum() throws {
        let dir = try Fixtures.temporaryDirectory()
        let (weights, generator) = try untrainedWeights("dcgan", in: dir)
        let found = try LatentClasses(generator: generator, evaluator: .pretrained(for: .mnist), count: 200, seed: 1, minimumConfidence: 0)
        let present = found.counts.indices.filter { found.counts[$0] > 0 }.sorted { found.counts[$0] > found.counts[$1] }
        let picks = (0..<3).map { present[min($0, present.count - 1)] }
        let result = try cli.swiftgan(["latent", "arithmetic", "--weights", weights, "--dataset", "mnist", "--n", "200", "--seed", "1",
                                       "--confidence", "0", "--classes", picks.map(String.init).joined(separator: ","),
                                       "--z", dir + "/z.npy", "--npy", dir + "/images.npy", "--png", dir + "/row.png"])
        #expect(result.status == 0, "arithmetic failed: \(result.error)")
        #expect(result.output.contains("the evaluator sees class"))
        let z = try NPY.read(dir + "/z.npy")
        #expect(z.shape == [4, 100])
        for (row, k) in picks.enumerated() {
            #expect(relativeError(z.slice(axis: 0, row..<(row + 1)), try found.mean(of: k)) < 1e-6, "row \(row) is class \(k)'s mean")
        }
        let sum = z.slice(axis: 0, 0..<1) - z.slice(axis: 0, 1..<2) + z.slice(axis: 0, 2..<3)
        #expect(relativeError(z.slice(axis: 0, 3..<4), sum) < 1e-6)
        let sample = try cli.swiftgan(["sample", "--weights", weights, "--z", dir + "/z.npy", "--npy", dir + "/again.npy"])
        #expect(sample.status == 0)
        #expect(relativeError(try NPY.read(dir + "/images.npy"), try NPY.read(dir + "/again.npy")) < 1e-6, "sample --z renders the same")
        #expect(try ImageFile.decode(dir + "/row.png").width == 4 * 30 + 2)

        let base = ["latent", "arithmetic", "--weights", weights, "--png", dir + "/x.png"]
        cli.expectOneLineError(try cli.swiftgan(base + ["--classes", "1,2", "--dataset", "mnist"]), naming: "--classes")
        cli.expectOneLineError(try cli.swiftgan(base + ["--classes", "1,2,3"]), naming: "--dataset")
        let absent = found.counts.indices.first { found.counts[$0] == 0 } ?? 0
        cli.expectOneLineError(try cli.swiftgan(base + ["--classes", "\(absent),\(absent),\(absent)", "--dataset", "mnist", "--n", "200",
                                                        "--seed", "1", "--confidence", "1"]), naming: "--confidence")
    }
}

extension LatentCommandTests {
    @Test func directionsArePrincipalComponentsOrProbesShownAsStrips() throws {
        let dir = try Fixtures.temporaryDirectory()
        let (weights, _) = try untrainedWeights("dcgan", in: dir)
        let pca = try cli.swiftgan(["latent", "directions", "--weights", weights, "--components", "3", "--n", "300", "--steps", "5",
                                    "--npy", dir + "/pca.npy", "--png", dir + "/pca.png"])
        #expect(pca.status == 0, "directions failed: \(pca.error)")
        let directions = try NPY.read(dir + "/pca.npy")
        #expect(directions.shape == [3, 100])
        for k in 0..<3 { #expect(abs((directions.slice(axis: 0, k..<(k + 1)).pow(2).sum().item) - 1) < 1e-4, "unit direction \(k)") }
        let shares = pca.output.split(separator: "\n").filter { $0.hasPrefix("PC") }
            .compactMap { Float($0.split(separator: " ")[1].dropLast()) }
        #expect(shares.count == 3 && shares == shares.sorted(by: >), "components in order of variance: \(pca.output)")
        let strips = try ImageFile.decode(dir + "/pca.png")
        #expect(strips.width == 5 * 30 + 2 && strips.height == 3 * 30 + 2)

        let probe = try cli.swiftgan(["latent", "directions", "--weights", weights, "--method", "probe", "--dataset", "mnist", "--n", "300",
                                      "--npy", dir + "/probe.npy"])
        #expect(probe.status == 0, "probe failed: \(probe.error)")
        #expect(try NPY.read(dir + "/probe.npy").shape[1] == 100)
        #expect(probe.output.contains("linear probe"))

        cli.expectOneLineError(try cli.swiftgan(["latent", "directions", "--weights", weights, "--method", "ica", "--png", dir + "/x.png"]),
                               naming: "--method")
        cli.expectOneLineError(try cli.swiftgan(["latent", "directions", "--weights", weights, "--method", "probe", "--png", dir + "/x.png"]),
                               naming: "--dataset")
    }
}

extension LatentCommandTests {
    @Test func projectionFindsALatentThatReproducesAGeneratedImage() throws {
        let dir = try Fixtures.temporaryDirectory()
        let (weights, _) = try untrainedWeights("dcgan", in: dir)
        let target = try sampleOne(weights, seed: 21, in: dir)
        try NPY.write(target, to: dir + "/target.npy")
        let result = try cli.swiftgan(["latent", "project", "--weights", weights, "--image", dir + "/target.npy", "--dataset", "mnist",
                                       "--steps", "150", "--z", dir + "/z.npy", "--png", dir + "/pair.png"])
        #expect(result.status == 0, "project failed: \(result.error)")
        let line = try #require(result.output.split(separator: "\n").first { $0.hasPrefix("pixel MSE") })
        let numbers = line.split(whereSeparator: { " ,→".contains($0) }).compactMap { Float($0) }
        #expect(numbers.count == 4 && numbers[1] < 0.5 * numbers[0], "the pixel error falls by half or more: \(line)")
        let again = try cli.swiftgan(["sample", "--weights", weights, "--z", dir + "/z.npy", "--npy", dir + "/again.npy"])
        #expect(again.status == 0)
        let reconstruction = try NPY.read(dir + "/again.npy")
        let mse = (reconstruction - target).pow(2).mean().item
        #expect(abs(mse - numbers[1]) <= 1e-4 + 1e-3 * numbers[1], "the reported error is the latent's: \(mse) vs \(numbers[1])")
        #expect(try ImageFile.decode(dir + "/pair.png").width == 2 * 30 + 2)

        let base = ["latent", "project", "--weights", weights, "--z", dir + "/x.npy"]
        try NPY.write(Tensor.zeros([1, 1, 20, 20]), to: dir + "/small.npy")
        cli.expectOneLineError(try cli.swiftgan(base + ["--image", dir + "/small.npy", "--feature-weight", "0"]), naming: "small.npy", "28×28")
        cli.expectOneLineError(try cli.swiftgan(base + ["--image", dir + "/target.npy"]), naming: "--dataset")
        cli.expectOneLineError(try cli.swiftgan(base + ["--image", dir + "/missing.png", "--feature-weight", "0"]), naming: "missing.png")
    }
}
