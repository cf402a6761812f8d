import ArgumentParser
import Foundation
import SwiftGAN

struct Sample: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate images with trained generator weights.",
        discussion: """
        SwiftGAN's weights say what model they are; files saved by PyTorch need --model. For a
        conditional model, --n N gives N images of each class (one row per class, in class order;
        the same order in --npy), or N of one class with --class K; with --z, --labels gives each
        latent's class (an int64 or int32 .npy of shape [n], as np.save writes class indices).
        """)

    @Option(help: "The model the weights belong to (read from SwiftGAN files; needed for PyTorch's).")
    var model: String?
    @Option(help: "Generator weights (safetensors, ours or saved by PyTorch).")
    var weights: String
    @Option(parsing: .unconditional, help: "Number of samples drawn from N(0, 1) (per class for a conditional model without --class).")
    var n: Int?
    @Option(help: "Conditional models: the class to generate.")
    var `class`: Int?
    @Option(parsing: .unconditional, help: "Seed for the latents.")
    var seed: UInt64 = 0
    @Option(help: "Latents as a float32 .npy of shape [n, latent size].")
    var z: String?
    @Option(help: "StyleGAN: w latents as a float32 .npy of shape [n, 128] (as the latent tools write them), instead of z.")
    var w: String?
    @Option(parsing: .unconditional, help: "Draw latents from N(0, 1) truncated to [-T, T] (BigGAN's truncation trick; not with --z).")
    var truncateZ: Float?
    @OptionGroup var style: StyleOptions
    @Option(help: "Conditional models with --z: class indices as an int64 or int32 .npy of shape [n].")
    var labels: String?
    @Option(help: "Write a sample grid PNG here.")
    var png: String?
    @Option(help: "Write the raw outputs as a float32 .npy here.")
    var npy: String?
    @Option(help: ArgumentHelp("Mark the PNG with an invisible watermark under this key (detect it with `provenance --detect KEY`).", valueName: "key"))
    var watermark: String?

    func validate() throws {
        guard [n != nil, z != nil, w != nil].filter({ $0 }).count == 1 else { throw ValidationErrorLine(message: "give exactly one of --n, --z and --w") }
        guard png != nil || npy != nil else { throw ValidationErrorLine(message: "give --png, --npy or both") }
        if let n, n <= 0 { throw ValidationErrorLine(message: "--n must be positive") }
        if let k = `class`, k < 0 { throw ValidationErrorLine(message: "--class must not be negative") }
        if labels != nil && z == nil { throw ValidationErrorLine(message: "--labels goes with --z (one class per latent)") }
        if w != nil && style.truncation != nil { throw ValidationErrorLine(message: "--truncation applies to w made from z; --w gives w itself") }
        if labels != nil && `class` != nil { throw ValidationErrorLine(message: "give --labels or --class, not both") }
        if let watermark, watermark.isEmpty { throw ValidationErrorLine(message: "--watermark needs a non-empty key") }
        if watermark != nil && png == nil { throw ValidationErrorLine(message: "--watermark marks the --png image; give --png") }
        try validateTruncation(truncateZ, latentsFile: z ?? w)
    }

    func run() throws {
        try reportingErrors {
            let (family, loaded) = try ModelRegistry.generator(forWeights: weights, model: model)
            // With --w, the generator seen from W (StyleGAN's synthesis network).
            let generator = w == nil ? loaded : loaded.latentSpace
            if w != nil && generator.latentSpaceName != "W" {
                throw ValidationErrorLine(message: "--w: model \(family.name) has no W space (StyleGAN has); give --z")
            }
            let classes = generator.classCount
            if let k = `class`, k >= classes {
                throw ValidationErrorLine(message: classes == 0 ? "--class: model \(family.name) is not conditional"
                                                                 : "--class \(k): the model has classes 0...\(classes - 1)")
            }
            let perClass = classes > 0 && `class` == nil
            if let n { try generator.checkFits(n.multipliedReportingOverflow(by: perClass ? classes : 1).overflow ? Int.max : n * (perClass ? classes : 1), "--n \(n)") }
            try loaded.load(from: weights)
            try style.apply(to: loaded, family: family, seed: seed)
            let latents: Tensor
            if let z = z ?? w {
                latents = try NPY.read(z)
                guard latents.rank == 2, latents.shape[1] == generator.latentDimension else {
                    throw ValidationErrorLine(message: "\(z): latents have shape \(latents.shape); \(family.name) needs [n, \(generator.latentDimension)]")
                }
                guard latents.shape[0] > 0 else { throw ValidationErrorLine(message: "\(z): holds no latents (shape \(latents.shape))") }
                if let bad = latents.scalars.firstIndex(where: { !$0.isFinite }) {
                    throw ValidationErrorLine(message: "\(z): non-finite latent at row \(bad / latents.shape[1]), column \(bad % latents.shape[1])")
                }
                try generator.checkFits(latents.shape[0], "\(z): \(latents.shape[0]) latents")
            } else {
                var zRNG = RandomGenerator(seed: seed)
                latents = Latents.draw([n! * (perClass ? classes : 1), generator.latentDimension], truncation: truncateZ, generator: &zRNG)
            }
            let count = latents.shape[0]
            if labels != nil && classes == 0 { throw ValidationErrorLine(message: "--labels: model \(family.name) is not conditional") }
            let classIndices: [Int]? = try labels.map { try readClassIndices($0, count: count, classes: classes) }
                ?? (classes == 0 ? nil : `class`.map { Array(repeating: $0, count: count) } ?? (0..<count).map { $0 * classes / count })
            let images = try generator.generateAll(latents, labels: classIndices)
            if let npy {
                try NPY.write(images, to: npy)
                print("wrote \(npy) \(images.shape)")
            }
            if let png {
                let provenance = Provenance(model: family.name, modelSHA256: try SHA256.hex(ofFile: weights),
                                            seed: ((z ?? w).map { "latents from \(($0 as NSString).lastPathComponent)" } ?? String(seed))
                                                + (labels.map { ", classes from \(($0 as NSString).lastPathComponent)" } ?? `class`.map { ", class \($0)" }
                                                   ?? (classes > 0 ? ", one row per class" : ""))
                                                + (truncateZ.map { ", latents truncated to ±\($0)" } ?? "") + style.provenance)
                try AtomicFile.write(picture(images, generator, columns: perClass && labels == nil ? count / classes : nil,
                                             provenance: provenance), to: png)
                print("wrote \(png) (\(count) samples)")
            }
        }
    }

    /// The class indices in `path`, checked against the latents' count and the model's classes.
    private func readClassIndices(_ path: String, count: Int, classes: Int) throws -> [Int] {
        let (values, shape) = try NPY.readIntegers(path)
        guard shape == [count] else {
            throw ValidationErrorLine(message: "\(path): labels have shape \(shape); the \(count) latents need [\(count)]")
        }
        if let i = values.firstIndex(where: { $0 < 0 || $0 >= classes }) {
            throw ValidationErrorLine(message: "\(path): label \(values[i]) at index \(i) is outside the model's classes 0...\(classes - 1)")
        }
        return values
    }

    /// An image grid, or a scatter plot of 2-D points.
    private func picture(_ images: Tensor, _ generator: any SampleableGenerator, columns: Int?, provenance: Provenance) -> Data {
        let count = images.shape[0]
        if let shape = generator.imageShape {
            return ImageGrid.png(images.reshaped([count] + shape), columns: columns, provenance: provenance,
                                 watermark: watermark.map(Watermark.init(key:)))
        }
        let finite = images.scalars.filter(\.isFinite)
        let extent = max(1, finite.map(abs).max() ?? 1) * 1.1
        let plot = ScatterPlot.render([.init(points: images, color: (214, 39, 40))], extent: extent)
        if plot.skipped > 0 {
            FileHandle.standardError.write(Data("warning: \(plot.skipped) of \(count) samples are not finite and are not plotted\n".utf8))
        }
        return plot.png
    }
}
