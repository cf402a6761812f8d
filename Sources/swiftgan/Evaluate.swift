import ArgumentParser
import Foundation
import SwiftGAN

extension ImageDataset.Known: ExpressibleByArgument {}

/// The dataset options of `swiftgan eval`: MNIST or Fashion-MNIST, or with `--evaluator` any folder.
struct ImageDatasetOptions: ParsableArguments {
    @Option(help: "mnist or fashion-mnist.")
    var dataset: ImageDataset.Known = .mnist
    @Option(help: "Directory with the IDX files (default: the dataset's usual place); with --evaluator, any image folder.")
    var dataDir: String?
}

struct Metrics: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare two feature matrices: FID, KID, precision/recall, density/coverage.")

    @Option(help: "Real features, a float32 .npy of shape [n, d].")
    var real: String
    @Option(help: "Generated features, a float32 .npy of shape [m, d].")
    var fake: String
    @Option(help: "Comma-separated metrics among fid, kid, pr, dc.")
    var metrics: String = "fid,kid,pr,dc"
    @Option(parsing: .unconditional, help: "KID: number of random subsets.")
    var kidSubsets: Int = 100
    @Option(parsing: .unconditional, help: "KID: subset size (default min(1000, n, m)); one subset of all samples is the exact MMD².")
    var kidSubsetSize: Int?
    @Option(parsing: .unconditional, help: "k of the nearest-neighbour balls for precision, recall, density and coverage.")
    var k: Int = 3
    @Flag(help: "Print one JSON line.")
    var json = false

    // ValidationErrorLine rather than ValidationError: the message stays one line, without the
    // usage text ArgumentParser appends to a ValidationError.
    func validate() throws {
        guard kidSubsets >= 1 else { throw ValidationErrorLine(message: "--kid-subsets must be at least 1, got \(kidSubsets)") }
        if let kidSubsetSize, kidSubsetSize < 2 {
            throw ValidationErrorLine(message: "--kid-subset-size must be at least 2, got \(kidSubsetSize)")
        }
        guard k >= 1 else { throw ValidationErrorLine(message: "--k must be at least 1, got \(k)") }
    }

    func run() throws {
        let report = try reportingErrors { () throws -> MetricReport in
            let kinds = try Set(metrics.split(separator: ",").map { name -> MetricKind in
                guard let kind = MetricKind(rawValue: String(name).trimmingCharacters(in: .whitespaces)) else {
                    throw ValidationErrorLine(message: "unknown metric '\(name)' (choose from fid, kid, pr, dc)")
                }
                return kind
            })
            guard !kinds.isEmpty else { throw ValidationErrorLine(message: "--metrics names no metric (choose from fid, kid, pr, dc)") }
            return try MetricReport.compare(real: readFeatures(real), fake: readFeatures(fake), metrics: kinds,
                                            kidSubsets: kidSubsets, kidSubsetSize: kidSubsetSize, nearestK: k)
        }
        printReport(report, json: json)
    }
}

/// A feature matrix from a .npy file, checked so that a problem names the file: [n, d] with at
/// least two rows (a covariance needs them) and only finite values.
func readFeatures(_ path: String) throws -> Tensor {
    let features = try NPY.read(path)
    guard features.rank == 2 else { throw ValidationErrorLine(message: "\(path): features must be [n, d], got shape \(features.shape)") }
    guard features.shape[0] >= 2 else {
        throw ValidationErrorLine(message: "\(path): \(features.shape[0]) feature rows; the metrics need at least 2")
    }
    if let bad = features.withUnsafeBufferPointer({ $0.firstIndex { !$0.isFinite } }) {
        throw ValidationErrorLine(message: "\(path): non-finite feature value at row \(bad / features.shape[1]), column \(bad % features.shape[1])")
    }
    return features
}

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate a generator (or the real data against itself) with the shipped evaluator network or your own.")

    @Option(help: "The model the weights belong to (read from SwiftGAN files; needed for PyTorch's).")
    var model: String?
    @Option(help: "Generator weights (safetensors).")
    var weights: String?
    @Option(name: .customLong("run"), help: ArgumentHelp("A translation run (pix2pix, cyclegan) to evaluate on its dataset's test split.",
                               discussion: "Every generator of the run translates the first --n test images of its source domain: L1, PSNR and SSIM against paired targets, FID, precision and recall against the target domain, and label preservation for labeled data. 28×28 images padded to 32×32 are cropped back first."))
    var runDirectory: String?
    @OptionGroup var data: ImageDatasetOptions
    @Option(help: ArgumentHelp("An evaluator trained by `swiftgan evaluator train` (default: the shipped one for --dataset).",
                               discussion: "The real images are then --data-dir's (any image folder or IDX files), converted to the evaluator's channels and size: its test split when it has one, else its training images."))
    var evaluator: String?
    @Option(parsing: .unconditional, help: ArgumentHelp("Number of generated samples.",
                                                        discussion: "A conditional model gets n / K of each of its K classes (n rounded down to a multiple of K), and the report adds the conditional accuracy and the intra-class FID, overall and per class."))
    var n: Int = 5000
    @Option(parsing: .unconditional, help: "Seed for the latents.")
    var seed: UInt64 = 0
    @Option(parsing: .unconditional, help: "Draw latents from N(0, 1) truncated to [-T, T] (BigGAN's truncation trick).")
    var truncateZ: Float?
    @Flag(help: "Compare the training split with the test split (or, without one, two halves of the training images): the floor a generator can reach.")
    var realVsReal = false
    @Flag(help: ArgumentHelp("Add perceptual path length: in Z, and in W for StyleGAN (ε 1e-4, the evaluator's features as the distance).",
                             discussion: "Comparable between SwiftGAN runs on the same data only (not LPIPS)."))
    var ppl = false
    @Option(parsing: .unconditional, help: "Latent pairs for --ppl.")
    var pplSamples = 10_000
    @OptionGroup var style: StyleOptions
    @Flag(help: "Print one JSON line.")
    var json = false

    func validate() throws {
        if runDirectory != nil {
            if weights != nil || realVsReal || model != nil || truncateZ != nil || data.dataDir != nil || ppl || style.isSet {
                throw ValidationErrorLine(message: "--run evaluates a run's own translators on its own dataset; drop --weights, --model, --real-vs-real, --truncate-z, --data-dir, --ppl, --truncation and --noise")
            }
            if n < 10 { throw ValidationErrorLine(message: "--n must be at least 10") }
            return
        }
        if realVsReal == (weights != nil) { throw ValidationErrorLine(message: "give --weights G.safetensors, --run RUN or --real-vs-real") }
        if n < 10 { throw ValidationErrorLine(message: "--n must be at least 10") }
        if !(10...1_000_000).contains(pplSamples) { throw ValidationErrorLine(message: "--ppl-samples must be 10 to 1000000") }
        if ppl && style.noise == .random {
            throw ValidationErrorLine(message: "--ppl --noise random: the two ends of each step would get different noise; PPL uses const (the default) or none")
        }
        if realVsReal && (ppl || style.isSet) { throw ValidationErrorLine(message: "--ppl, --truncation and --noise apply to a generator, not to --real-vs-real") }
        try validateTruncation(truncateZ, latentsFile: nil)
        if truncateZ != nil && realVsReal { throw ValidationErrorLine(message: "--truncate-z applies to a generator's latents, not to --real-vs-real") }
    }

    func run() throws {
        if let runDirectory {
            let report = try reportingErrors { () throws -> TranslationReport in
                let custom = try evaluator.map { (network: try EvaluatorNetwork.load(evaluatorFile: $0), name: $0) }
                return try TranslationEvaluation.evaluate(run: runDirectory, evaluator: custom, limit: n, warn: warn)
            }
            printTranslationReport(report, json: json)
            return
        }
        let report = try reportingErrors { () throws -> MetricReport in
            // Your own evaluator: real images from --data-dir (or --dataset's files), in its shape.
            let custom = try evaluator.map { path in
                let network = try EvaluatorNetwork.load(evaluatorFile: path)
                let shape = network.inputShape
                let real = try DatasetCatalog.load(name: data.dataDir == nil ? data.dataset.rawValue : nil, directory: data.dataDir,
                                                   channels: shape[0], resolution: shape[1] == shape[2] ? shape[1] : nil, warn: warn)
                return (network, real)
            }
            if realVsReal {
                if case let (network, real)? = custom { return try MetricReport.evaluateRealVsReal(real, evaluator: network, count: n) }
                let images = try ImageDataset.load(data.dataset, split: .train, directory: data.dataDir).prefix(n).images
                var report = try MetricReport.evaluate(images: images, against: data.dataset, directory: data.dataDir)
                report.fakeDescription = "train (real)"
                return report
            }
            let (family, generator) = try ModelRegistry.loadedGenerator(forWeights: weights!, model: model)
            try style.apply(to: generator, family: family, seed: seed)
            let takes = custom?.0.inputShape ?? EvaluatorNetwork.defaultInputShape
            guard let shape = generator.imageShape, EvaluatorNetwork.accepts([1] + shape, input: takes) else {
                let which = evaluator ?? "the shipped evaluators"
                let makes = generator.imageShape.map { $0.map(String.init).joined(separator: "×") + " images" } ?? "2-D points"
                throw ValidationErrorLine(message: "\(which) takes \(takes.map(String.init).joined(separator: "×")) images; \(family.name) makes \(makes)")
            }
            // A conditional generator is asked for each class equally often: n / K times.
            let classes = generator.classCount
            if classes > 0 && n < 2 * classes {
                throw ValidationErrorLine(message: "--n \(n): \(family.name) has \(classes) classes; the conditional metrics need at least \(2 * classes) samples (2 of each)")
            }
            if classes > 0 && n % classes != 0 { warn("--n \(n) is not a multiple of the \(classes) classes; evaluating \(n / classes * classes) samples") }
            let count = classes > 0 ? n / classes * classes : n
            let labels = classes > 0 ? (0..<count).map { $0 % classes } : nil
            var zRNG = RandomGenerator(seed: seed)
            let latents = Latents.draw([count, generator.latentDimension], truncation: truncateZ, generator: &zRNG)
            let images = try generator.generateAll(latents, labels: labels).reshaped([count] + shape)
            // The conditional metrics need the model's classes to be the evaluator's.
            let evaluatorClasses = classes == 0 ? 0 : try custom?.0.classCount ?? EvaluatorNetwork.pretrained(for: data.dataset).classCount
            if classes > 0 && classes != evaluatorClasses {
                warn("no conditional metrics: \(family.name) has \(classes) classes, the evaluator \(evaluatorClasses)")
            }
            let requested = classes == evaluatorClasses ? labels : nil
            var report: MetricReport
            if case let (network, real)? = custom {
                report = try MetricReport.evaluate(images: images, against: real, evaluator: network, labels: requested)
            } else {
                report = try MetricReport.evaluate(images: images, against: data.dataset, directory: data.dataDir, labels: requested)
            }
            if ppl {
                let network = try custom?.0 ?? EvaluatorNetwork.pretrained(for: data.dataset)
                report.pathLengthZ = try PerceptualPathLength.measure(generator, evaluator: network, count: pplSamples, seed: seed)
                let space = generator.latentSpace
                if space.latentSpaceName == "W" {
                    report.pathLengthW = try PerceptualPathLength.measure(space, evaluator: network, count: pplSamples, seed: seed)
                }
            }
            return report
        }
        printReport(report, json: json)
    }
}

/// Prints a data loader's warning (a skipped file, a degraded step) on stderr.
func warn(_ line: String) {
    FileHandle.standardError.write(Data("warning: \(line)\n".utf8))
}

struct Evaluator: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The evaluator networks.", subcommands: [EvaluatorTrain.self])
}

struct EvaluatorTrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train", abstract: "Train an evaluator network from a fixed seed, for MNIST, Fashion-MNIST or a labeled image folder.",
        discussion: """
            With --data-dir and no --dataset, the folder is loaded as `swiftgan train` loads it: class subfolders \
            (a `train/` folder with `test/` or `val/` beside it gives the test split; otherwise the last 10% of each \
            class is held out for testing), or MNIST-format IDX files.
            """)

    @Option(help: "mnist or fashion-mnist (the default when there is no --data-dir).")
    var dataset: ImageDataset.Known?
    @Option(help: "A labeled image folder (one subfolder per class), or the directory of --dataset's IDX files.")
    var dataDir: String?
    @Option(parsing: .unconditional, help: "1 or 3: the channels the folder's images are converted to (default: their own).")
    var channels: Int?
    @Option(parsing: .unconditional, help: "The side the folder's images are resized and center-cropped to (default: their common size).")
    var resolution: Int?
    @Option(parsing: .unconditional, help: "Training epochs.")
    var epochs: Int = 5
    @Option(parsing: .unconditional, help: "Random seed.")
    var seed: UInt64 = 0
    @Option(help: "Where to write the weights (safetensors; default <dataset or folder name>-evaluator.safetensors).")
    var out: String?

    func validate() throws {
        guard epochs >= 1 else { throw ValidationErrorLine(message: "--epochs must be at least 1, got \(epochs)") }
        if let channels, channels != 1 && channels != 3 { throw ValidationErrorLine(message: "--channels must be 1 or 3, got \(channels)") }
        if let resolution, resolution < 1 { throw ValidationErrorLine(message: "--resolution must be at least 1, got \(resolution)") }
        if (channels != nil || resolution != nil) && (dataset != nil || dataDir == nil) {
            throw ValidationErrorLine(message: "--channels and --resolution convert a --data-dir folder; mnist and fashion-mnist train at 1×28×28")
        }
        // Refuse an unwritable --out before training, not after it.
        if let out {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: out, isDirectory: &isDirectory), isDirectory.boolValue {
                throw ValidationErrorLine(message: "--out \(out): is a directory")
            }
            let parent = (out as NSString).deletingLastPathComponent
            if !parent.isEmpty && !FileManager.default.fileExists(atPath: parent) {
                throw ValidationErrorLine(message: "--out \(out): no such directory \(parent)")
            }
        }
    }

    func run() throws {
        try reportingErrors {
            let printEpoch = { (epoch: Int, accuracy: Double) in
                print(String(format: "epoch %d/%d: test accuracy %.2f%%", epoch, epochs, 100 * accuracy))
            }
            let network: EvaluatorNetwork, accuracy: Double, name: String
            if let dataDir, dataset == nil {
                let data = try DatasetCatalog.load(name: nil, directory: dataDir, channels: channels, resolution: resolution, warn: warn)
                (network, accuracy) = try EvaluatorNetwork.train(data, source: dataDir, epochs: epochs, seed: seed, progress: printEpoch)
                name = data.name
            } else {
                let known = dataset ?? .mnist
                (network, accuracy) = try EvaluatorNetwork.train(known, directory: dataDir, epochs: epochs, seed: seed, progress: printEpoch)
                name = known.rawValue
            }
            let path = out ?? "\(name)-evaluator.safetensors"
            try network.save(evaluatorFile: path, testAccuracy: accuracy, epochs: epochs, seed: seed, dataset: name)
            print(String(format: "wrote %@ (%@ images, %d classes, test accuracy %.2f%%)", path,
                         network.inputShape.map(String.init).joined(separator: "×"), network.classCount, 100 * accuracy))
        }
    }
}

func printTranslationReport(_ report: TranslationReport, json: Bool) {
    for warning in report.warnings { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
    if json { print(report.json()); return }
    print("run \(report.run): \(report.model) on \(report.dataset) (test split), evaluator: \(report.evaluator ?? "none")")
    for d in report.directions {
        print("\(d.name) (\(d.weights), \(d.count) images)")
        func line(_ name: String, _ value: Double?) { if let value { print("  " + name.padding(toLength: 20, withPad: " ", startingAt: 0) + String(format: " %.6g", value)) } }
        line("L1", d.l1); line("PSNR (dB)", d.psnr); line("SSIM", d.ssim); line("FID", d.fid)
        line("precision", d.precision); line("recall", d.recall); line("label preservation", d.labelPreservation)
        line("target accuracy", d.targetAccuracy)
    }
}

func printReport(_ report: MetricReport, json: Bool) {
    for warning in report.warnings { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
    if json { print(report.json()); return }
    func line(_ name: String, _ value: Double?) { if let value { print(name.padding(toLength: 22, withPad: " ", startingAt: 0) + String(format: " %.6g", value)) } }
    /// A per-class list on one line.
    func perClass(_ values: [Double]?, _ format: String) {
        if let values { print("  per class            " + values.map { String(format: format, $0) }.joined(separator: " ")) }
    }
    print("samples: \(report.nReal) \(report.realDescription), \(report.nFake) \(report.fakeDescription)")
    line("FID", report.fid); line("KID (mean)", report.kidMean); line("KID (std)", report.kidStd)
    line("precision", report.precision); line("recall", report.recall); perClass(report.recallPerClass, "%.3f")
    line("density", report.density)
    line("coverage", report.coverage); line("Inception-style score", report.inceptionScoreMean)
    line("IS (std)", report.inceptionScoreStd); line("KL(classes ‖ uniform)", report.klFromUniform)
    if let modes = report.modesCovered { print("modes covered          \(modes) of \(report.classCount ?? 10)") }
    line("C2ST accuracy", report.twoSampleAccuracy)
    line("conditional accuracy", report.conditionalAccuracy); perClass(report.conditionalAccuracyPerClass, "%.3f")
    line("intra-class FID", report.intraFID); perClass(report.intraFIDPerClass, "%.4g")
    line("PPL in Z", report.pathLengthZ); line("PPL in W", report.pathLengthW)
}

/// Refuses a truncation threshold that is not positive, or one given with a latents file, in one line.
func validateTruncation(_ threshold: Float?, latentsFile: String?) throws {
    guard let threshold else { return }
    guard threshold > 0 && threshold.isFinite else {
        throw ValidationErrorLine(message: "--truncate-z must be a positive number, got \(threshold)")
    }
    if latentsFile != nil {
        throw ValidationErrorLine(message: "--truncate-z truncates the latents SwiftGAN draws; --z gives them all (truncate them in the file instead)")
    }
}

