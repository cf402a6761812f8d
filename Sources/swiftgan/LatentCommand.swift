import ArgumentParser
import Foundation
import SwiftGAN

struct LatentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "latent",
        abstract: "Explore a generator's latent space.",
        subcommands: [Interpolate.self, Arithmetic.self, Directions.self, Project.self, StyleMix.self])
}

/// The generator every latent command works on: its weights, its model and, for conditional
/// models, the class label to generate with.
struct LatentGeneratorOptions: ParsableArguments {
    @Option(help: "The model the weights belong to (read from SwiftGAN files; needed for PyTorch's).")
    var model: String?
    @Option(help: "Generator weights (safetensors).")
    var weights: String
    @Option(help: "Conditional models: the class label to generate with (default 0).")
    var `class`: Int?
    @OptionGroup var style: StyleOptions

    func validate() throws {
        if let k = `class`, k < 0 { throw ValidationErrorLine(message: "--class must not be negative") }
    }

    /// The family and the generator with its weights loaded, as the latent tools see it: in W
    /// for StyleGAN (with --truncation and --noise applied), in Z otherwise; `needing` samples
    /// checked first.
    func load(needing count: Int = 1) throws -> (ModelFamily, any SampleableGenerator) {
        let (family, generator) = try ModelRegistry.generator(forWeights: weights, model: model)
        if let k = `class`, k >= generator.classCount {
            throw ValidationErrorLine(message: generator.classCount == 0 ? "--class: model \(family.name) is not conditional"
                                                                         : "--class \(k): the model has classes 0...\(generator.classCount - 1)")
        }
        guard generator.imageShape != nil else {
            throw ValidationErrorLine(message: "model \(family.name) makes 2-D points, not images: its latent space has nothing to show")
        }
        try generator.checkFits(count, "--n \(count)")
        try generator.load(from: weights)
        try style.apply(to: generator, family: family, seed: 0)
        return (family, generator.latentSpace)
    }

    /// `count` copies of the class label for a conditional generator, nil otherwise.
    func labels(_ count: Int, for generator: any SampleableGenerator) -> [Int]? {
        generator.classCount > 0 ? Array(repeating: `class` ?? 0, count: count) : nil
    }

    /// The shipped evaluator's dataset: `dataset`, else the one the weights' run trained on.
    func evaluatorDataset(_ dataset: String?) throws -> ImageDataset.Known {
        let name = dataset ?? RunDirectory.containing(weights: weights)?.config["dataset"] as? String
        guard let name, let known = ImageDataset.Known(rawValue: name) else {
            throw ValidationErrorLine(message: "--dataset: name the evaluator's dataset (mnist or fashion-mnist)"
                                          + (name.map { "; the run's \($0) has no shipped evaluator" } ?? ""))
        }
        return known
    }
}

/// Refuses a --dataset without a shipped evaluator.
func validateEvaluatorDataset(_ dataset: String?) throws {
    if let dataset, ImageDataset.Known(rawValue: dataset) == nil {
        throw ValidationErrorLine(message: "--dataset \(dataset): the shipped evaluators are mnist and fashion-mnist")
    }
}

extension LatentCommand {
    struct Interpolate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Images along the path between the latents of two seeds.",
            discussion: """
            Seed S names the latent `sample --n 1 --seed S` draws, so frame 0 is that image and \
            the last frame is seed B's. --steps frames, both ends included, lerp (or --slerp, the \
            great circle, which keeps the latents' norm as N(0, 1) samples have it). --png writes \
            the frames as a strip, --apng as an animated PNG (frames scaled --scale times, \
            --delay seconds each), --npy as float32 [steps, C, H, W]. Conditional models keep \
            one class along the path (--class, default 0).
            """)

        @OptionGroup var generatorOptions: LatentGeneratorOptions
        @Option(help: "The two seeds, A,B.")
        var seeds: String
        @Option(help: "Frames, both ends included (2 to 256).")
        var steps = 8
        @Flag(help: "Spherical interpolation instead of linear.")
        var slerp = false
        @Option(parsing: .unconditional, help: "Draw the latents from N(0, 1) truncated to [-T, T] (as sample --truncate-z).")
        var truncateZ: Float?
        @Option(help: "Write the frames as one strip PNG here.")
        var png: String?
        @Option(help: "Write an animated PNG here.")
        var apng: String?
        @Option(help: "Write the frames as a float32 .npy here.")
        var npy: String?
        @Option(help: "The animated PNG's scale (nearest neighbour, 1 to 16).")
        var scale = 4
        @Option(help: "Seconds per animated frame.")
        var delay = 0.25

        func validate() throws {
            guard png != nil || apng != nil || npy != nil else { throw ValidationErrorLine(message: "give --png, --apng or --npy (or several)") }
            _ = try parsedSeeds()
            guard (2...256).contains(steps) else { throw ValidationErrorLine(message: "--steps must be 2 to 256, got \(steps)") }
            guard (1...16).contains(scale) else { throw ValidationErrorLine(message: "--scale must be 1 to 16, got \(scale)") }
            guard delay > 0 && delay <= 60 else { throw ValidationErrorLine(message: "--delay must be more than 0 and at most 60 seconds") }
            try validateTruncation(truncateZ, latentsFile: nil)
        }

        func parsedSeeds() throws -> (UInt64, UInt64) {
            let parts = seeds.split(separator: ",", omittingEmptySubsequences: false).map { UInt64($0.trimmingCharacters(in: .whitespaces)) }
            guard parts.count == 2, let a = parts[0], let b = parts[1] else {
                throw ValidationErrorLine(message: "--seeds must be two seeds A,B (non-negative integers), got '\(seeds)'")
            }
            return (a, b)
        }

        func run() throws {
            try reportingErrors {
                let (family, generator) = try generatorOptions.load()
                let (a, b) = try parsedSeeds()
                let ends = generator.latents(fromZ: Latents.forSeeds([a, b], dimension: generator.zDimension, truncation: truncateZ))
                let path = Latents.interpolate(ends.slice(axis: 0, 0..<1), ends.slice(axis: 0, 1..<2), steps: steps, spherical: slerp)
                let labels = generatorOptions.labels(steps, for: generator)
                let images = try generator.generateAll(path, labels: labels).reshaped([steps] + generator.imageShape!)
                let provenance = Provenance(model: family.name, modelSHA256: try SHA256.hex(ofFile: generatorOptions.weights),
                                            seed: "\(slerp ? "slerp" : "lerp") from seed \(a) to seed \(b) in \(steps) steps"
                                                + (labels.map { ", class \($0[0])" } ?? "")
                                                + (truncateZ.map { ", latents truncated to ±\($0)" } ?? ""))
                if let npy {
                    try NPY.write(images, to: npy)
                    print("wrote \(npy) \(images.shape)")
                }
                if let png {
                    try AtomicFile.write(ImageGrid.png(images, columns: steps, provenance: provenance), to: png)
                    print("wrote \(png) (\(steps) frames)")
                }
                if let apng {
                    try AtomicFile.write(ImageGrid.animatedPNG(images, scale: scale, delay: delay, provenance: provenance), to: apng)
                    print("wrote \(apng) (\(steps) frames, \(delay) s each)")
                }
            }
        }
    }
}

extension LatentCommand {
    struct Arithmetic: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Latent vector arithmetic between class means: A − B + C.",
            discussion: """
            Draws --n latents (as `sample --n N --seed S`), has the shipped evaluator of --dataset \
            classify their images, and averages the latents of each class among the images it is \
            at least --confidence sure of. The result, mean(A) − mean(B) + mean(C), is rendered \
            beside the three means (--png: one row A, B, C, result; --npy the images; --z the four \
            latents, which `sample --z` renders again, or for StyleGAN, whose latent tools work in \
            W, `sample --w`), and the evaluator says what the result \
            looks like. --dataset defaults to the one the weights' run trained on.
            """)

        @OptionGroup var generatorOptions: LatentGeneratorOptions
        @Option(help: "The evaluator's classes A,B,C (indices).")
        var classes: String
        @Option(help: "The evaluator's dataset: mnist or fashion-mnist (default: the run's).")
        var dataset: String?
        @Option(parsing: .unconditional, help: "Latents drawn to find the class means.")
        var n = 2000
        @Option(parsing: .unconditional, help: "Seed for the latents.")
        var seed: UInt64 = 0
        @Option(help: "The evaluator's probability an image needs to count toward its class's mean.")
        var confidence: Float = 0.9
        @Option(help: "Write the row A, B, C, A − B + C as a PNG here.")
        var png: String?
        @Option(help: "Write the four images as a float32 .npy here.")
        var npy: String?
        @Option(help: "Write the four latents as a float32 .npy here.")
        var z: String?

        func validate() throws {
            guard png != nil || npy != nil || z != nil else { throw ValidationErrorLine(message: "give --png, --npy or --z (or several)") }
            _ = try parsedClasses()
            guard (1...100_000).contains(n) else { throw ValidationErrorLine(message: "--n must be 1 to 100000") }
            guard confidence >= 0 && confidence <= 1 else { throw ValidationErrorLine(message: "--confidence must be in [0, 1]") }
            try validateEvaluatorDataset(dataset)
        }

        func parsedClasses() throws -> [Int] {
            let parts = classes.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard parts.count == 3, parts.allSatisfy({ ($0 ?? -1) >= 0 }) else {
                throw ValidationErrorLine(message: "--classes must be three class indices A,B,C, got '\(classes)'")
            }
            return parts.map { $0! }
        }

        func run() throws {
            try reportingErrors {
                let known = try generatorOptions.evaluatorDataset(dataset)
                let (family, generator) = try generatorOptions.load(needing: n)
                let evaluator = try EvaluatorNetwork.pretrained(for: known)
                let found = try LatentClasses(generator: generator, evaluator: evaluator, count: n, seed: seed,
                                              label: generatorOptions.class, minimumConfidence: confidence)
                let (a, b, c) = try { () -> (Int, Int, Int) in let k = try parsedClasses(); return (k[0], k[1], k[2]) }()
                let latents = Tensor.concat([try found.mean(of: a), try found.mean(of: b), try found.mean(of: c), try found.arithmetic(a, b, c)], axis: 0)
                let images = try generator.generateAll(latents, labels: generatorOptions.labels(4, for: generator)).reshaped([4] + generator.imageShape!)
                let probabilities = evaluator.extract(images.slice(axis: 0, 3..<4)).probabilities
                let (verdict, best) = (probabilities.scalars, probabilities.argmaxRows()[0])
                let names = known.classNames, counts = found.counts
                for k in [a, b, c] { print("class \(k) (\(names[k])): mean of \(counts[k]) latents") }
                print(String(format: "%d − %d + %d: the evaluator sees class %d (%@) with probability %.2f", a, b, c, best, names[best], verdict[best]))
                if let z {
                    try NPY.write(latents, to: z)
                    print("wrote \(z) [4, \(generator.latentDimension)] (\(generator.latentSpaceName) latents)")
                }
                if let npy {
                    try NPY.write(images, to: npy)
                    print("wrote \(npy) \(images.shape)")
                }
                if let png {
                    let provenance = Provenance(model: family.name, modelSHA256: try SHA256.hex(ofFile: generatorOptions.weights),
                                                seed: "class means of \(n) latents from seed \(seed): \(a), \(b), \(c), \(a) − \(b) + \(c)")
                    try AtomicFile.write(ImageGrid.png(images, columns: 4, provenance: provenance), to: png)
                    print("wrote \(png)")
                }
            }
        }
    }
}

extension LatentCommand {
    struct Directions: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Interpretable latent directions (GANSpace PCA, or linear probes of the evaluator's classes), each as a strip.",
            discussion: """
            --method pca (GANSpace): PCA of the generator's first hidden activations over --n \
            latents, each component carried back to the latent space by regression. --method \
            probe: for each class of the shipped evaluator of --dataset (default the run's), the \
            least-squares direction along which the evaluator's label for it rises (classes with \
            fewer than 20 of the --n images are left out). Directions are unit vectors; row k of \
            --png shows seed --base-seed's latent moved from -extent to +extent along direction \
            k in --steps steps (the middle column, with an odd --steps, is that seed's own image). \
            --npy writes the directions [k, latent size].
            """)

        @OptionGroup var generatorOptions: LatentGeneratorOptions
        @Option(help: "pca (GANSpace) or probe (linear probes of the evaluator's classes).")
        var method = "pca"
        @Option(help: "PCA: the number of directions.")
        var components = 5
        @Option(help: "Probe: the evaluator's dataset, mnist or fashion-mnist (default: the run's).")
        var dataset: String?
        @Option(parsing: .unconditional, help: "Latents drawn to find the directions.")
        var n = 2000
        @Option(parsing: .unconditional, help: "Seed for those latents.")
        var seed: UInt64 = 0
        @Option(parsing: .unconditional, help: "The seed whose latent each strip walks from.")
        var baseSeed: UInt64 = 1
        @Option(help: "Images per strip.")
        var steps = 7
        @Option(help: "How far each strip goes, in standard deviations, either way.")
        var extent: Float = 3
        @Option(help: "Write the strips (a row per direction) as a PNG here.")
        var png: String?
        @Option(help: "Write the directions as a float32 .npy here.")
        var npy: String?

        func validate() throws {
            guard png != nil || npy != nil else { throw ValidationErrorLine(message: "give --png, --npy or both") }
            guard method == "pca" || method == "probe" else { throw ValidationErrorLine(message: "--method must be pca or probe, got '\(method)'") }
            guard (1...64).contains(components) else { throw ValidationErrorLine(message: "--components must be 1 to 64") }
            guard (100...50_000).contains(n) else { throw ValidationErrorLine(message: "--n must be 100 to 50000") }
            guard (1...64).contains(steps) else { throw ValidationErrorLine(message: "--steps must be 1 to 64") }
            guard extent > 0 && extent.isFinite && extent <= 100 else { throw ValidationErrorLine(message: "--extent must be more than 0 and at most 100") }
            try validateEvaluatorDataset(dataset)
        }

        func run() throws {
            try reportingErrors {
                let known = method == "probe" ? try generatorOptions.evaluatorDataset(dataset) : nil
                let (family, generator) = try generatorOptions.load(needing: n)
                let directions: Tensor
                var names: [String]
                if method == "pca" {
                    let (found, explained) = try LatentDirections.principal(generator, components: components, count: n, seed: seed,
                                                                            label: generatorOptions.class)
                    directions = found
                    let of = generator.latentSpaceName == "W" ? "w's variance" : "the first hidden layer's variance"
                    names = explained.enumerated().map { String(format: "PC%d: %.1f%% of %@", $0 + 1, 100 * $1, of) }
                } else if let known {
                    let classes = try LatentClasses(generator: generator, evaluator: .pretrained(for: known), count: n, seed: seed,
                                                    label: generatorOptions.class, minimumConfidence: 0)
                    let all = try LatentDirections.probes(classes)
                    var present: [Int] = []
                    for c in 0..<known.classNames.count where classes.predicted.filter({ $0 == c }).count >= 20 { present.append(c) }
                    guard !present.isEmpty else { throw ValidationErrorLine(message: "no class has 20 of the \(n) images; draw more (--n)") }
                    directions = all.rows(present)
                    names = present.map { "class \($0) (\(known.classNames[$0])): linear probe" }
                } else {
                    preconditionFailure("a probe without its dataset")
                }
                for line in names { print(line) }
                if let npy {
                    try NPY.write(directions, to: npy)
                    print("wrote \(npy) \(directions.shape)")
                }
                if let png {
                    let base = generator.latents(fromZ: Latents.forSeeds([baseSeed], dimension: generator.zDimension, truncation: nil))
                    let k = directions.shape[0]
                    let walks = Tensor.concat((0..<k).map {
                        LatentDirections.walk(from: base, along: directions.slice(axis: 0, $0..<($0 + 1)), steps: steps, extent: extent)
                    }, axis: 0)
                    let images = try generator.generateAll(walks, labels: generatorOptions.labels(k * steps, for: generator))
                        .reshaped([k * steps] + generator.imageShape!)
                    let provenance = Provenance(model: family.name, modelSHA256: try SHA256.hex(ofFile: generatorOptions.weights),
                                                seed: "seed \(baseSeed) along \(k) \(method) directions from \(n) latents of seed \(seed), ±\(extent)")
                    try AtomicFile.write(ImageGrid.png(images, columns: steps, provenance: provenance), to: png)
                    print("wrote \(png) (\(k) rows of \(steps))")
                }
            }
        }
    }
}

extension LatentCommand {
    struct Project: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "GAN inversion: find the latent whose image best matches a real image.",
            discussion: """
            Starts from the best of --starts latents drawn from --seed and runs --steps Adam steps \
            (--lr) on the pixel mean squared error plus --feature-weight times the mean squared \
            distance of the shipped evaluator's features (of --dataset, default the run's; \
            --feature-weight 0 uses pixels alone). Prints the errors before and after; --png \
            shows the image beside its reconstruction, --z writes the latent [1, latent size], \
            which `sample --z` renders again (StyleGAN projects into W: `sample --w`). --image is a \
            PNG or JPEG, or a float32 .npy \
            [1, C, H, W] in [-1, 1], of the generator's size.
            """)

        @OptionGroup var generatorOptions: LatentGeneratorOptions
        @Option(help: "The image to project (PNG, JPEG or .npy).")
        var image: String
        @Option(help: "Adam steps.")
        var steps = 500
        @Option(help: "Adam's learning rate.")
        var lr: Float = 0.05
        @Option(help: "The weight of the evaluator's feature distance (0: pixels alone).")
        var featureWeight: Float = 1
        @Option(help: "The evaluator's dataset, mnist or fashion-mnist (default: the run's).")
        var dataset: String?
        @Option(help: "Random latents tried as the starting point.")
        var starts = 16
        @Option(parsing: .unconditional, help: "Seed for the starting latents.")
        var seed: UInt64 = 0
        @Option(help: "Write the image and its reconstruction side by side as a PNG here.")
        var png: String?
        @Option(help: "Write the latent found as a float32 .npy here.")
        var z: String?

        func validate() throws {
            guard png != nil || z != nil else { throw ValidationErrorLine(message: "give --png, --z or both") }
            guard (1...100_000).contains(steps) else { throw ValidationErrorLine(message: "--steps must be 1 to 100000") }
            guard lr > 0 && lr.isFinite else { throw ValidationErrorLine(message: "--lr must be a positive number") }
            guard featureWeight >= 0 && featureWeight.isFinite else { throw ValidationErrorLine(message: "--feature-weight must be 0 or more") }
            guard (1...1024).contains(starts) else { throw ValidationErrorLine(message: "--starts must be 1 to 1024") }
            try validateEvaluatorDataset(dataset)
        }

        func run() throws {
            try reportingErrors {
                let known = featureWeight > 0 ? try generatorOptions.evaluatorDataset(dataset) : nil
                let (family, generator) = try generatorOptions.load()
                let shape = generator.imageShape!
                let inputs = try TranslationInputs.load(image, channels: shape[0])
                guard inputs.count == 1, let target = inputs.groups.first?.images, Array(target.shape.dropFirst()) == shape else {
                    throw ValidationErrorLine(message: "\(image): need one \(shape.map(String.init).joined(separator: "×")) image for \(family.name)"
                                                  + (inputs.count == 1 ? ", got \(inputs.groups[0].images.shape.dropFirst().map(String.init).joined(separator: "×"))"
                                                                       : ", got \(inputs.count)"))
                }
                let result = try LatentProjection.project(target, generator: generator, evaluator: known.map { try EvaluatorNetwork.pretrained(for: $0) },
                                                          label: generatorOptions.class, steps: steps, learningRate: lr,
                                                          featureWeight: featureWeight, starts: starts, seed: seed) { step, loss in
                    print("step \(step)/\(steps)  loss \(String(format: "%.5f", loss))")
                }
                print(String(format: "pixel MSE %.5f → %.5f", result.initialPixelError, result.pixelError)
                      + (result.featureDistance.map { String(format: ", feature distance %.5f → %.5f", result.initialFeatureDistance!, $0) } ?? ""))
                if let z {
                    try NPY.write(result.latent, to: z)
                    print("wrote \(z) \(result.latent.shape) (a \(generator.latentSpaceName) latent)")
                }
                if let png {
                    let provenance = Provenance(model: family.name, modelSHA256: try SHA256.hex(ofFile: generatorOptions.weights),
                                                seed: "projection of \((image as NSString).lastPathComponent) (right; left: the image)")
                    try AtomicFile.write(ImageGrid.png(Tensor.concat([target, result.image], axis: 0), columns: 2, provenance: provenance), to: png)
                    print("wrote \(png)")
                }
            }
        }
    }
}

extension LatentCommand {
    struct StyleMix: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "style-mix",
            abstract: "StyleGAN style mixing: coarse styles from one seed, fine styles from another.",
            discussion: """
            Each seed names the w of `sample --n 1 --seed S`'s z. Cell (i, j) of the grid takes \
            the synthesis layers below --cutoff (of 8, coarsest first; the default 4 is the 4×4 \
            and 8×8 blocks and the 16×16 block's upsampling convolution: pose and shape) from \
            --coarse seed i and the rest (detail and \
            texture) from --fine seed j. The top row shows the --fine seeds' own images, the left \
            column the --coarse seeds'. --npy writes the mixed images [rows·columns, C, H, W].
            """)

        @OptionGroup var generatorOptions: LatentGeneratorOptions
        @Option(help: "Seeds giving the coarse styles, one row each (A,B,…).")
        var coarse: String
        @Option(help: "Seeds giving the fine styles, one column each.")
        var fine: String
        @Option(help: "The first layer that takes the fine seed's w (1 to 7).")
        var cutoff = 4
        @Option(help: "Write the grid as a PNG here.")
        var png: String?
        @Option(help: "Write the mixed images as a float32 .npy here.")
        var npy: String?

        func validate() throws {
            guard png != nil || npy != nil else { throw ValidationErrorLine(message: "give --png, --npy or both") }
            _ = try seeds(coarse, "--coarse")
            _ = try seeds(fine, "--fine")
        }

        func seeds(_ list: String, _ flag: String) throws -> [UInt64] {
            let parts = list.split(separator: ",", omittingEmptySubsequences: false).map { UInt64($0.trimmingCharacters(in: .whitespaces)) }
            guard (1...16).contains(parts.count), parts.allSatisfy({ $0 != nil }) else {
                throw ValidationErrorLine(message: "\(flag) must be 1 to 16 seeds (non-negative integers, comma-separated), got '\(list)'")
            }
            return parts.map { $0! }
        }

        func run() throws {
            try reportingErrors {
                let (family, space) = try generatorOptions.load()
                guard let style = (space as? StyleSpaceGenerator)?.base else {
                    throw ValidationErrorLine(message: "model \(family.name) has no per-layer styles to mix (StyleGAN has)")
                }
                guard (1..<style.styleCount).contains(cutoff) else {
                    throw ValidationErrorLine(message: "--cutoff must be 1 to \(style.styleCount - 1), got \(cutoff)")
                }
                let (rows, columns) = (try seeds(coarse, "--coarse"), try seeds(fine, "--fine"))
                func ws(_ seeds: [UInt64]) -> Tensor { space.latents(fromZ: Latents.forSeeds(seeds, dimension: space.zDimension, truncation: nil)) }
                let (a, b) = (ws(rows), ws(columns))
                let (r, c) = (rows.count, columns.count)
                // Every (row, column) pair: row i's w repeated, column j's tiled.
                let coarseW = Tensor.concat((0..<r).map { i in Tensor.concat(Array(repeating: a.slice(axis: 0, i..<(i + 1)), count: c), axis: 0) }, axis: 0)
                let fineW = Tensor.concat(Array(repeating: b, count: r), axis: 0)
                style.eval()
                let (mixed, own) = withNoGrad {
                    (style.mixing(coarse: coarseW, fine: fineW, cutoff: cutoff), space.generate(Tensor.concat([a, b], axis: 0), labels: nil))
                }
                if let npy {
                    try NPY.write(mixed, to: npy)
                    print("wrote \(npy) \(mixed.shape)")
                }
                if let png {
                    // (r + 1) × (c + 1): a blank corner, the fine seeds across the top, each row
                    // led by its coarse seed.
                    let blank = Tensor.full([1] + style.imageShape, -1)
                    var cells = [blank] + (0..<c).map { own.slice(axis: 0, (r + $0)..<(r + $0 + 1)) }
                    for i in 0..<r {
                        cells.append(own.slice(axis: 0, i..<(i + 1)))
                        cells += (0..<c).map { mixed.slice(axis: 0, (i * c + $0)..<(i * c + $0 + 1)) }
                    }
                    let provenance = Provenance(model: family.name, modelSHA256: try SHA256.hex(ofFile: generatorOptions.weights),
                                                seed: "style mixing: layers 0..<\(cutoff) from seeds \(coarse) (rows), the rest from \(fine) (columns)"
                                                    + generatorOptions.style.provenance)
                    try AtomicFile.write(ImageGrid.png(Tensor.concat(cells, axis: 0).clamp(min: -1, max: 1), columns: c + 1, provenance: provenance), to: png)
                    print("wrote \(png) (\(r) coarse × \(c) fine seeds, cutoff \(cutoff))")
                }
            }
        }
    }
}
