import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

/// `mpirun -np K swiftgan train …` on loopback: K processes split each global batch, average
/// their gradients, and end where one process with the same global batch ends.
/// Open MPI's launcher, when installed (the bootstrap installs openmpi-bin).
private let installedMPIRun = ["/usr/bin/mpirun", "/usr/local/bin/mpirun"].first { FileManager.default.isExecutableFile(atPath: $0) }

@Suite(.serialized, .enabled(if: installedMPIRun != nil, "no mpirun: the bootstrap installs openmpi-bin"))
struct DataParallelTests {
    let cli = CLITests()

    static let mpirun = installedMPIRun

    /// Runs `swiftgan` under mpirun with `ranks` processes, as root, inside a container, and
    /// without binding a rank's threads to one core.
    func mpirun(_ launcher: String, ranks: Int, _ arguments: [String]) throws -> CLITests.Result {
        try CLITests.run(launcher, ["--allow-run-as-root", "--oversubscribe", "--bind-to", "none", "-np", "\(ranks)", CLITests.executable] + arguments,
                         environment: ["OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
                                       "OMPI_MCA_btl_vader_single_copy_mechanism": "none"])
    }

    /// The largest difference between two weights files' tensors, relative to max(1, |value|).
    func largestDifference(_ a: String, _ b: String) throws -> Float {
        let (x, y) = (try Safetensors.read(a), try Safetensors.read(b))
        #expect(x.keys.sorted() == y.keys.sorted())
        var worst: Float = 0
        for (name, t) in x {
            guard let u = y[name], u.shape == t.shape else { return .infinity }
            for (p, q) in zip(t.scalars, u.scalars) { worst = max(worst, abs(p - q) / max(1, abs(p))) }
        }
        return worst
    }

    /// The MLP GAN and the conditional MLP GAN (labels split with the rows) have no batch norm,
    /// so 2 ranks and 1 process compute the same thing.
    @Test(arguments: ["mlp", "cgan-mlp"])
    func twoRanksTrainAsOneProcessWithTheSameGlobalBatch(model: String) throws {
        let launcher = try #require(Self.mpirun)
        let root = try Fixtures.temporaryDirectory()
        try TinyDataset.write(to: root + "/data", count: 256)
        let base = ["train", "--model", model, "--data-dir", root + "/data", "--steps", "10", "--batch", "64", "--seed", "3",
                    "--sample-every", "10", "--checkpoint-every", "5", "--log-every", "5"]
        let one = try cli.swiftgan(base + ["--out", root + "/one"], environment: ["OMP_NUM_THREADS": "1"])
        #expect(one.status == 0, "\(one.error)")
        let two = try mpirun(launcher, ranks: 2, base + ["--out", root + "/two"])
        #expect(two.status == 0, "\(two.error)")
        #expect(two.output.components(separatedBy: "trained to step 10").count == 2, "rank 0 alone reports: \(two.output)")
        for file in ["generator", "discriminator"] {
            let difference = try largestDifference("\(root)/one/\(file).safetensors", "\(root)/two/\(file).safetensors")
            #expect(difference <= 1e-5, "\(model)'s \(file) after 10 steps on 2 ranks differs from 1 process by \(difference)")
        }
        // Rank 0 alone wrote the log, with the losses averaged over both ranks.
        let logged = JSONLinesLog.lossHistory(root + "/two/log.jsonl")
        #expect(logged.map(\.step) == [5, 10])
        let single = JSONLinesLog.lossHistory(root + "/one/log.jsonl")
        if let a = logged.last, let b = single.last { #expect(abs(a.d - b.d) < 1e-4, "D loss \(a.d) vs \(b.d)") }
    }

    @Test func aDCGANTrainsOnTwoRanksAndResumesOnOneAndOnTwo() throws {
        let launcher = try #require(Self.mpirun)
        let root = try Fixtures.temporaryDirectory()
        try TinyDataset.write(to: root + "/data", count: 64)
        let run = root + "/dcgan"
        let first = try mpirun(launcher, ranks: 2, ["train", "--model", "dcgan", "--data-dir", root + "/data", "--steps", "4", "--batch", "8",
                                                     "--checkpoint-every", "2", "--sample-every", "4", "--out", run])
        #expect(first.status == 0, "\(first.error)")
        let single = try cli.swiftgan(["train", "--resume", run, "--steps", "6"])
        #expect(single.status == 0 && single.output.contains("trained to step 6"), "\(single.error)")
        let again = try mpirun(launcher, ranks: 2, ["train", "--resume", run, "--steps", "8"])
        #expect(again.status == 0 && again.output.contains("trained to step 8"), "\(again.error)")
        #expect(FileManager.default.fileExists(atPath: run + "/checkpoints/step_000008/manifest.json"))
    }

    /// With --sync-batch-norm the ranks normalize with the global batch's statistics, as one
    /// process does: after one DCGAN step the logged losses and G's running statistics (updated
    /// by its two forward passes before any update of G) equal one process's; without it they
    /// are each rank's own.
    @Test func synchronizedBatchNormComputesTheGlobalBatchStatistics() throws {
        let launcher = try #require(Self.mpirun)
        let root = try Fixtures.temporaryDirectory()
        try TinyDataset.write(to: root + "/data", count: 64)
        let base = ["train", "--model", "dcgan", "--data-dir", root + "/data", "--steps", "1", "--batch", "16", "--seed", "3",
                    "--log-every", "1", "--sample-every", "1", "--checkpoint-every", "1"]
        #expect(try cli.swiftgan(base + ["--out", root + "/one"], environment: ["OMP_NUM_THREADS": "1"]).status == 0)
        let synced = try mpirun(launcher, ranks: 2, base + ["--sync-batch-norm", "--out", root + "/synced"])
        #expect(synced.status == 0, "\(synced.error)")
        let own = try mpirun(launcher, ranks: 2, base + ["--out", root + "/own"])
        #expect(own.status == 0, "\(own.error)")
        func runningStatistics(_ run: String) throws -> [String: [Float]] {
            try Safetensors.read("\(root)/\(run)/generator.safetensors").filter { $0.key.hasSuffix("running_mean") || $0.key.hasSuffix("running_var") }
                .mapValues(\.scalars)
        }
        let (one, sync, plain) = (try runningStatistics("one"), try runningStatistics("synced"), try runningStatistics("own"))
        #expect(!one.isEmpty && one.keys.sorted() == sync.keys.sorted())
        func largest(_ a: [String: [Float]], _ b: [String: [Float]]) -> Float {
            a.keys.map { k in zip(a[k]!, b[k] ?? []).map { abs($0 - $1) }.max() ?? .infinity }.max() ?? .infinity
        }
        #expect(largest(one, sync) < 1e-5, "synchronized running statistics differ from one process's by \(largest(one, sync))")
        #expect(largest(one, plain) > 1e-4, "per-rank statistics should differ from the global batch's")
        let (a, b) = (JSONLinesLog.lossHistory(root + "/one/log.jsonl"), JSONLinesLog.lossHistory(root + "/synced/log.jsonl"))
        #expect(a.count == 1 && b.count == 1 && abs(a[0].d - b[0].d) < 1e-5 && abs(a[0].g - b[0].g) < 1e-5, "losses \(a) vs \(b)")
    }

    @Test func translationRecipesSayTheyCannotSplitBatches() throws {
        let launcher = try #require(Self.mpirun)
        let root = try Fixtures.temporaryDirectory()
        let result = try mpirun(launcher, ranks: 2, ["train", "--model", "pix2pix", "--dataset", "edges2fashion", "--steps", "2",
                                                      "--batch", "4", "--out", root + "/p2p"])
        #expect(result.status != 0)
        #expect(result.error.contains("--model pix2pix cannot train data-parallel yet"), "\(result.error)")
        let ensemble = try mpirun(launcher, ranks: 2, ["train", "--model", "mlp", "--dataset", "mnist", "--data-dir", Fixtures.mnistDirectory,
                                                        "--ensemble", "2", "--steps", "2", "--batch", "4", "--out", root + "/ensemble"])
        #expect(ensemble.status != 0)
        #expect(ensemble.error.contains("--ensemble 2 cannot train data-parallel yet"), "\(ensemble.error)")
    }

    @Test func aGlobalBatchThatDoesNotSplitIsOneLineOnEveryRank() throws {
        let launcher = try #require(Self.mpirun)
        let root = try Fixtures.temporaryDirectory()
        try TinyDataset.write(to: root + "/data", count: 64)
        let result = try mpirun(launcher, ranks: 2, ["train", "--model", "mlp", "--data-dir", root + "/data", "--steps", "2", "--batch", "63",
                                                      "--out", root + "/odd"])
        #expect(result.status != 0)
        #expect(result.error.contains("--batch 63 does not split evenly across 2 ranks"), "\(result.error)")
    }
}
