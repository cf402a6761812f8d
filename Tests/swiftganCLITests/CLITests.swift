import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

/// Runs the built `swiftgan` executable end to end, as a user would.
@Suite(.serialized) struct CLITests {
    struct Result { let status: Int32; let output: String; let error: String }

    static let executable: String = {
        let candidates = [
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("swiftgan").path,
            Bundle.main.bundleURL.appendingPathComponent("swiftgan").path,
            Fixtures.repositoryRoot + "/.build/release/swiftgan",
            Fixtures.repositoryRoot + "/.build/debug/swiftgan",
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[2]
    }()

    func swiftgan(_ arguments: [String], environment: [String: String] = [:], directory: String? = nil) throws -> Result {
        try Self.run(Self.executable, arguments, environment: environment, directory: directory)
    }

    /// Runs `executable` to the end with its output and error captured.
    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                    directory: String? = nil) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let error = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: String(decoding: output, as: UTF8.self),
                      error: String(decoding: error, as: UTF8.self))
    }

    @Test func trainThenSampleWithLatentsFromNPY() throws {
        let data = try Fixtures.temporaryDirectory()
        try TinyDataset.write(to: data, count: 128)
        let run = try Fixtures.temporaryDirectory() + "/run"
        let train = try swiftgan(["train", "--model", "mlp", "--dataset", "mnist", "--data-dir", data, "--steps", "30",
                                  "--sample-every", "15", "--seed", "3", "--out", run])
        #expect(train.status == 0, "train failed: \(train.error)")
        #expect(train.output.contains("step 30/30") && train.output.contains("steps/s") && train.output.contains("ETA"))
        #expect(train.output.contains("\(run)/samples/latest.png"))
        let keys = try Safetensors.read(run + "/generator.safetensors").keys.sorted()
        #expect(keys == ["net.0.bias", "net.0.weight", "net.2.bias", "net.2.weight", "net.4.bias", "net.4.weight"])

        var rng = RandomGenerator(seed: 11)
        let z = rng.normal([5, 64])
        try NPY.write(z, to: run + "/z.npy")
        let sample = try swiftgan(["sample", "--model", "mlp", "--weights", run + "/generator.safetensors",
                                   "--z", run + "/z.npy", "--npy", run + "/x.npy", "--png", run + "/x.png"])
        #expect(sample.status == 0, "sample failed: \(sample.error)")
        let images = try NPY.read(run + "/x.npy")
        #expect(images.shape == [5, 784])
        let g = MLPGenerator(generator: &rng)
        try g.load(from: run + "/generator.safetensors")
        #expect(relativeError(images, withNoGrad { g(z) }) < 1e-6)
        let png = try AtomicFile.read(run + "/x.png")
        #expect(png.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]))

        let seeded = try swiftgan(["sample", "--weights", run + "/generator.safetensors", "--n", "3", "--seed", "2", "--npy", run + "/y.npy"])
        #expect(seeded.status == 0)
        #expect(try NPY.read(run + "/y.npy").shape == [3, 784])
    }

    @Test func samplesADCGANSavedByPyTorchInEvalMode() throws {
        let dir = try Fixtures.temporaryDirectory()
        var rng = RandomGenerator(seed: 5)
        let z = rng.normal([3, 100])
        try NPY.write(z, to: dir + "/z.npy")
        let weights = Fixtures.path("torch_dcgan_generator_step1.safetensors")
        let result = try swiftgan(["sample", "--model", "dcgan", "--weights", weights, "--z", dir + "/z.npy",
                                   "--npy", dir + "/x.npy", "--png", dir + "/x.png"])
        #expect(result.status == 0, "sample failed: \(result.error)")
        let images = try NPY.read(dir + "/x.npy")
        #expect(images.shape == [3, 1, 28, 28])
        let g = DCGANGenerator(generator: &rng)
        try g.load(from: weights)
        g.eval()
        #expect(relativeError(images, withNoGrad { g(z) }) < 1e-6, "eval mode, running statistics")
        let seeded = try swiftgan(["sample", "--model", "dcgan", "--weights", weights, "--n", "2", "--npy", dir + "/y.npy"])
        #expect(seeded.status == 0)
        #expect(try NPY.read(dir + "/y.npy").shape == [2, 1, 28, 28])
    }

    @Test func badInputIsAOneLineErrorWithNonZeroExit() throws {
        let dir = try Fixtures.temporaryDirectory()
        let missing = try swiftgan(["train", "--dataset", "mnist", "--data-dir", dir + "/nowhere", "--steps", "2", "--out", dir + "/run"])
        #expect(missing.status != 0)
        #expect(missing.error.contains("\(dir)/nowhere/train-images-idx3-ubyte.gz: no such file"))
        #expect(missing.error.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").count == 1)
        let nowhere = try swiftgan(["train", "--data-dir", dir + "/nowhere", "--steps", "2", "--out", dir + "/run"])
        #expect(nowhere.status != 0 && nowhere.error.contains("\(dir)/nowhere: no such directory"))

        try TinyDataset.write(to: dir, count: 16)
        let gz = dir + "/train-images-idx3-ubyte.gz"
        let bytes = try AtomicFile.read(gz)
        try bytes.prefix(bytes.count - 10).write(to: URL(fileURLWithPath: gz))
        let truncated = try swiftgan(["train", "--data-dir", dir, "--steps", "2", "--out", dir + "/run"])
        #expect(truncated.status != 0 && truncated.error.contains("\(gz): truncated"))

        try NPY.write(Tensor.zeros([2, 10]), to: dir + "/z.npy")
        try Safetensors.write([:], to: dir + "/empty.safetensors")
        let badWeights = try swiftgan(["sample", "--model", "mlp", "--weights", dir + "/empty.safetensors", "--n", "2", "--npy", dir + "/o.npy"])
        #expect(badWeights.status != 0 && badWeights.error.contains("\(dir)/empty.safetensors: missing keys"))

        var rng = RandomGenerator(seed: 0)
        try MLPGenerator(generator: &rng).save(to: dir + "/g.safetensors")
        let badZ = try swiftgan(["sample", "--model", "mlp", "--weights", dir + "/g.safetensors", "--z", dir + "/z.npy", "--npy", dir + "/o.npy"])
        #expect(badZ.status != 0 && badZ.error.contains("\(dir)/z.npy: latents have shape [2, 10]"))
    }

    /// A failure the user caused: non-zero exit, one line on stderr containing `names`, and no
    /// crash report.
    func expectOneLineError(_ result: Result, naming names: String..., sourceLocation: SourceLocation = #_sourceLocation) {
        let lines = result.error.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n")
        #expect(result.status != 0 && result.status < 128, "exit status \(result.status)", sourceLocation: sourceLocation)
        #expect(lines.count == 1, "expected one line, got: \(result.error)", sourceLocation: sourceLocation)
        for name in names { #expect(result.error.contains(name), "\(name) not in: \(result.error)", sourceLocation: sourceLocation) }
        #expect(!result.error.contains("Fatal error") && !result.error.contains("Stack dump") && !result.error.contains("backtrace"),
                sourceLocation: sourceLocation)
    }

    /// Exact resume of a training command whose uninterrupted run is in `root/whole`: `base`
    /// trains again into `root/split`, the checkpoint of step `step` is removed, and
    /// `train --resume` must end with `files` equal byte for byte to the uninterrupted run's.
    func expectResumeMatches(_ base: [String], root: String, removingStep step: Int, files: [String],
                             sourceLocation: SourceLocation = #_sourceLocation) throws {
        let split = try swiftgan(base + ["--out", root + "/split"])
        #expect(split.status == 0, "train failed: \(split.error)", sourceLocation: sourceLocation)
        try FileManager.default.removeItem(atPath: root + "/split/checkpoints/" + String(format: "step_%06d", step))
        let resumed = try swiftgan(["train", "--resume", root + "/split"])
        #expect(resumed.status == 0, "resume failed: \(resumed.error)", sourceLocation: sourceLocation)
        for file in files {
            #expect(try AtomicFile.read("\(root)/whole/\(file)") == AtomicFile.read("\(root)/split/\(file)"), "\(file) differs after resume",
                    sourceLocation: sourceLocation)
        }
    }

    @Test func metricsRejectBadFlagsAndFeatureFilesInOneLine() throws {
        let dir = try Fixtures.temporaryDirectory()
        var rng = RandomGenerator(seed: 1)
        try NPY.write(rng.normal([20, 4]), to: dir + "/r.npy")
        for subsets in ["0", "-1"] {
            let result = try swiftgan(["metrics", "--real", dir + "/r.npy", "--fake", dir + "/r.npy", "--kid-subsets=\(subsets)"])
            expectOneLineError(result, naming: "--kid-subsets")
        }
        try NPY.write(Tensor.zeros([0, 4]), to: dir + "/empty.npy")
        try NPY.write(rng.normal([1, 4]), to: dir + "/one.npy")
        var values = rng.normal([20, 4]).scalars
        values[9] = .nan
        try NPY.write(Tensor(values, shape: [20, 4]), to: dir + "/nan.npy")
        values[9] = .infinity
        try NPY.write(Tensor(values, shape: [20, 4]), to: dir + "/inf.npy")
        for (file, metric) in [("empty", "fid"), ("one", "kid"), ("one", "pr"), ("nan", "pr"), ("nan", "fid"), ("inf", "kid")] {
            let result = try swiftgan(["metrics", "--real", dir + "/r.npy", "--fake", dir + "/\(file).npy", "--metrics", metric])
            expectOneLineError(result, naming: "\(dir)/\(file).npy")
        }
    }

    @Test func evaluatorTrainingRejectsZeroEpochsAndLabelsOutsideTheClasses() throws {
        expectOneLineError(try swiftgan(["evaluator", "train", "--epochs", "0"]), naming: "--epochs")
        let dir = try Fixtures.temporaryDirectory()
        try TinyDataset.write(to: dir, count: 128)
        try TinyDataset.write(to: dir, count: 16, split: "test")
        var labels = [UInt8](repeating: 3, count: 128)
        labels[77] = 10
        let labelFile = dir + "/train-labels-idx1-ubyte.gz"
        try Data(Gzip.compress(IDXFile(shape: [128], bytes: labels).encoded())).write(to: URL(fileURLWithPath: labelFile))
        let result = try swiftgan(["evaluator", "train", "--data-dir", dir, "--epochs", "1", "--out", dir + "/e.safetensors"])
        expectOneLineError(result, naming: labelFile, "label 10")
    }

    @Test func anImpossibleSampleCountIsRefusedUpFront() throws {
        let dir = try Fixtures.temporaryDirectory()
        var rng = RandomGenerator(seed: 0)
        try MLPGenerator(generator: &rng).save(to: dir + "/g.safetensors")
        let result = try swiftgan(["sample", "--model", "mlp", "--weights", dir + "/g.safetensors", "--n", "100000000", "--npy", dir + "/o.npy"])
        expectOneLineError(result, naming: "--n 100000000")
        #expect(!FileManager.default.fileExists(atPath: dir + "/o.npy"))
    }

    @Test func metricsPrintsTheDocumentedJSONKeys() throws {
        let dir = try Fixtures.temporaryDirectory()
        let f = try Fixtures.load("metrics.safetensors")
        try NPY.write(f["a.real"]!, to: dir + "/r.npy")
        try NPY.write(f["a.fake"]!, to: dir + "/f.npy")
        let result = try swiftgan(["metrics", "--real", dir + "/r.npy", "--fake", dir + "/f.npy", "--json"])
        #expect(result.status == 0, "metrics failed: \(result.error)")
        let json = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any]
        for key in ["fid", "kid_mean", "kid_std", "precision", "recall", "density", "coverage", "n_real", "n_fake"] {
            #expect(json?[key] != nil, "missing \(key)")
        }
        let fid = json?["fid"] as? Double ?? 0
        #expect(abs(fid - Double(f["a.fid"]!.item)) < 1e-4 * Double(f["a.fid"]!.item))
        #expect(result.error.contains("warning: FID from fewer than 5,000 samples"))
        // One subset of all samples is the exact MMD² that torch-fidelity gives with
        // kid_subsets=1 on the first 250 rows of each set (make_fixtures.py's "a.kid_all").
        try NPY.write(f["a.real"]!.slice(axis: 0, 0..<250), to: dir + "/r250.npy")
        let exact = try swiftgan(["metrics", "--real", dir + "/r250.npy", "--fake", dir + "/f.npy", "--metrics", "kid",
                                  "--kid-subsets", "1", "--kid-subset-size", "250", "--json"])
        #expect(exact.status == 0, "metrics failed: \(exact.error)")
        let kid = try JSONSerialization.jsonObject(with: Data(exact.output.utf8)) as? [String: Any]
        let reference = Double(f["a.kid_all"]!.item)
        let kidMean = kid?["kid_mean"] as? Double ?? .nan
        #expect(kid?["fid"] == nil && abs(kidMean - reference) <= 1e-4 * abs(reference), "kid_mean \(kidMean) vs torch-fidelity \(reference)")
        let bad = try swiftgan(["metrics", "--real", dir + "/r.npy", "--fake", dir + "/missing.npy"])
        #expect(bad.status != 0 && bad.error.contains("\(dir)/missing.npy: no such file"))
    }

    @Test func evalComparesAGeneratorAndTheRealFloor() throws {
        let floor = try swiftgan(["eval", "--dataset", "mnist", "--data-dir", Fixtures.mnistDirectory, "--real-vs-real",
                                  "--n", "2000", "--json"])
        #expect(floor.status == 0, "eval failed: \(floor.error)")
        let real = try JSONSerialization.jsonObject(with: Data(floor.output.utf8)) as? [String: Any]
        let floorText = try swiftgan(["eval", "--dataset", "mnist", "--data-dir", Fixtures.mnistDirectory, "--real-vs-real",
                                      "--n", "200"])
        #expect(floorText.output.contains("samples: 10000 test (real), 200 train (real)"), "\(floorText.output)")
        #expect(!floorText.output.contains("generated"))
        var rng = RandomGenerator(seed: 0)
        let dir = try Fixtures.temporaryDirectory()
        try MLPGenerator(generator: &rng).save(to: dir + "/g.safetensors")
        let untrained = try swiftgan(["eval", "--model", "mlp", "--weights", dir + "/g.safetensors", "--dataset", "mnist",
                                      "--data-dir", Fixtures.mnistDirectory, "--n", "2000", "--json"])
        #expect(untrained.status == 0, "eval failed: \(untrained.error)")
        let fake = try JSONSerialization.jsonObject(with: Data(untrained.output.utf8)) as? [String: Any]
        let (a, b) = (real?["fid"] as? Double ?? .infinity, fake?["fid"] as? Double ?? 0)
        #expect(a < b / 10, "an untrained generator must score far worse than real data: \(a) vs \(b)")
        // Train and test features differ a little (the evaluator learned on the train split), an
        // untrained generator's completely.
        let (c2stReal, c2stFake) = (real?["c2st_accuracy"] as? Double ?? 1, fake?["c2st_accuracy"] as? Double ?? 0)
        #expect(c2stFake > 0.95 && c2stReal < c2stFake, "C2ST accuracy real \(c2stReal), untrained \(c2stFake)")
        // The recall of each digit of the test split, which weighted by the digits' counts is the recall.
        let testLabels = try #require(try ImageDataset.load(.mnist, split: .test, directory: Fixtures.mnistDirectory).labels)
        let counts = (0..<10).map { k in Double(testLabels.filter { $0 == k }.count) }
        for (name, json) in [("real", real), ("untrained", fake)] {
            let perClass = try #require(json?["recall_per_class"] as? [Double], "\(name): no recall_per_class")
            let recall = json?["recall"] as? Double ?? .nan
            #expect(perClass.count == 10 && abs(zip(perClass, counts).map { $0 * $1 }.reduce(0, +) / counts.reduce(0, +) - recall) < 1e-9,
                    "\(name): \(perClass) against recall \(recall)")
        }
        #expect(floorText.output.contains("  per class  "), "\(floorText.output)")
    }

    @Test func benchSamplingPrintsTwoJSONLines() throws {
        let bench = try swiftgan(["bench", "--model", "mlp", "--sample", "--json"])
        #expect(bench.status == 0)
        let lines = bench.output.split(separator: "\n")
        #expect(lines.count == 2)
        let batches = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }.map { $0?["batch"] as? Int }
        #expect(batches == [1, 256])
    }

    @Test func benchPrintsOneJSONLine() throws {
        let bench = try swiftgan(["bench", "--model", "mlp", "--json", "--windows", "1", "--seconds", "0.2"])
        #expect(bench.status == 0)
        let line = bench.output.trimmingCharacters(in: .whitespacesAndNewlines)
        let json = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        #expect(json?["model"] as? String == "mlp")
        #expect((json?["ms_per_step"] as? Double ?? 0) > 0)
    }

    @Test func benchThreadsSetsThePoolAndPerOpTimesOneOperation() throws {
        let bench = try swiftgan(["bench", "--model", "mlp", "--threads", "1", "--json", "--windows", "1", "--seconds", "0.2"])
        #expect(bench.status == 0)
        let json = try JSONSerialization.jsonObject(with: Data(bench.output.trimmingCharacters(in: .whitespacesAndNewlines).utf8)) as? [String: Any]
        #expect(json?["threads"] as? Int == 1)
        let perOp = try swiftgan(["bench", "--per-op", "--threads", "2", "--json"])
        #expect(perOp.status == 0)
        let op = try JSONSerialization.jsonObject(with: Data(perOp.output.trimmingCharacters(in: .whitespacesAndNewlines).utf8)) as? [String: Any]
        #expect(op?["metric"] as? String == "per_op" && op?["threads"] as? Int == 2)
        let (forward, backward) = (op?["forward_us"] as? Double ?? 0, op?["forward_backward_us"] as? Double ?? 0)
        #expect(forward > 0 && backward > forward, "a differentiated op costs more than an unrecorded one: \(forward) vs \(backward) µs")
        let bad = try swiftgan(["bench", "--threads", "0"])
        #expect(bad.status != 0 && bad.error.contains("--threads"))
    }
}
