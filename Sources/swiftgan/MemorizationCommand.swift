import ArgumentParser
import Foundation
import SwiftGAN

struct MemorizationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "memorization",
        abstract: "Check whether a generator copies its training images.",
        discussion: """
        Finds each sample's nearest training image in the shipped evaluator's feature space and in \
        pixels, and counts near-copies: samples closer to a training image than the 1st percentile of \
        the test images' nearest-training distances (so held-out real images score 1%). --png shows \
        the closest pairs: the generated samples on the top row, their nearest training images below.
        """)

    @Option(help: "The model the weights belong to (read from SwiftGAN files; needed for PyTorch's).")
    var model: String?
    @Option(help: "Generator weights (safetensors).")
    var weights: String
    @OptionGroup var data: ImageDatasetOptions
    @Option(parsing: .unconditional, help: "Number of generated samples.")
    var n = 10_000
    @Option(parsing: .unconditional, help: "Seed for the latents.")
    var seed: UInt64 = 0
    @Option(help: "Write the closest pairs as a PNG here.")
    var png: String?
    @Option(parsing: .unconditional, help: "Closest pairs in the PNG and the report.")
    var pairs = 16
    @Flag(help: "Print one JSON line.")
    var json = false

    func validate() throws {
        if !(1...1_000_000).contains(n) { throw ValidationErrorLine(message: "--n must be from 1 to 1000000") }
        if !(1...256).contains(pairs) { throw ValidationErrorLine(message: "--pairs must be from 1 to 256") }
    }

    func run() throws {
        try reportingErrors {
            let (family, generator) = try ModelRegistry.generator(forWeights: weights, model: model)
            let input = EvaluatorNetwork.defaultInputShape
            guard let shape = generator.imageShape, EvaluatorNetwork.accepts([1] + shape, input: input) else {
                throw ValidationErrorLine(message: "\(weights): \(family.name) does not make 1×28×28 images (or 1×32×32 padded ones), which the shipped evaluators take")
            }
            try generator.checkFits(n, "--n \(n)")
            try generator.load(from: weights)
            let train = try ImageDataset.load(data.dataset, split: .train, directory: data.dataDir)
            let test = try ImageDataset.load(data.dataset, split: .test, directory: data.dataDir)
            let classes = generator.classCount
            var rng = RandomGenerator(seed: seed)
            let latents = Latents.draw([n, generator.latentDimension], truncation: nil, generator: &rng)
            // Compared with the training images pixel by pixel too: as the evaluator sees them.
            let images = EvaluatorNetwork.shaped(try generator.generateAll(latents, labels: classes > 0 ? (0..<n).map { $0 % classes } : nil)
                .reshaped([n] + shape), input: input)
            let report = try Memorization.check(images: images, train: train, test: test,
                                                evaluator: EvaluatorNetwork.pretrained(for: data.dataset), pairs: pairs)
            if json {
                print(report.json())
            } else {
                print("memorization: \(n) samples of \(family.name) against \(train.count) \(data.dataset.rawValue) training images")
                for (name, space) in [("evaluator features", report.features), ("pixels", report.pixels)] {
                    print(String(format: "  %@: %.2f%% near-copies (%d of %d) closer than %.3f, the 1st percentile of test-to-train distances; median nearest distance %.3f (test images %.3f)",
                                 name, 100 * Double(space.nearCopies) / Double(n), space.nearCopies, n, space.threshold,
                                 space.medianGenerated, space.medianTest))
                }
                print("  \(report.conclusion)")
            }
            if let png {
                let pairs = report.closest
                let top = pairs.map { images.slice(axis: 0, $0.sample..<($0.sample + 1)) }
                let bottom = pairs.map { train.images.slice(axis: 0, $0.trainingImage..<($0.trainingImage + 1)) }
                let grid = ImageGrid.png(Tensor.concat(top + bottom, axis: 0), columns: pairs.count,
                                         provenance: Provenance(model: family.name, modelSHA256: try SHA256.hex(ofFile: weights),
                                                                seed: "\(seed) (top row; the bottom row is real training images)"))
                try AtomicFile.write(grid, to: png)
                if !json { print("  wrote \(png) (\(pairs.count) closest pairs: generated above, nearest training image below)") }
            }
        }
    }
}
