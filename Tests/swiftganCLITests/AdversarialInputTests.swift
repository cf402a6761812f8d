import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

/// The defects found by trying the command line as an adversary would, each reproduced.
@Suite(.serialized) struct AdversarialInputTests {
    let cli = CLITests()

    func oneLine(_ text: String) -> Bool {
        text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").count == 1
    }

    func tinyData() throws -> String {
        let data = try Fixtures.temporaryDirectory()
        try TinyDataset.write(to: data, count: 64)
        return data
    }

    @Test func fixedLayoutDCGANsRefuseDataOfAnotherShape() throws {
        let r = try cli.swiftgan(["train", "--model", "dcgan64", "--data-dir", try tinyData(), "--steps", "1",
                                  "--out", try Fixtures.temporaryDirectory() + "/r"])
        #expect(r.status != 0 && r.error.contains("model dcgan64 makes samples of shape [3, 64, 64]") && oneLine(r.error))
    }

    /// --overwrite removes the run's own checkpoints and panels, not a user's files beside them.
    @Test func overwriteKeepsUserFilesInsideTheRunFolders() throws {
        let data = try tinyData()
        let run = try Fixtures.temporaryDirectory() + "/run"
        let base = ["train", "--data-dir", data, "--steps", "2", "--batch", "8", "--out", run]
        #expect(try cli.swiftgan(base).status == 0)
        try Data("mine".utf8).write(to: URL(fileURLWithPath: run + "/samples/mine.png"))
        try FileManager.default.createDirectory(atPath: run + "/checkpoints/mystuff", withIntermediateDirectories: true)
        #expect(try cli.swiftgan(base + ["--overwrite"]).status == 0)
        #expect(FileManager.default.fileExists(atPath: run + "/samples/mine.png"))
        #expect(FileManager.default.fileExists(atPath: run + "/checkpoints/mystuff"))
        #expect(Checkpoint.list(run + "/checkpoints").map(\.step) == [2])
    }

    /// A run made with a relative --data-dir resumes from any working directory; the model cannot
    /// change on resume; a run folder that lost its marker is not called an old-format run.
    @Test func resumeFindsItsDataAndKeepsItsModel() throws {
        let root = try Fixtures.temporaryDirectory()
        try TinyDataset.write(to: root + "/data", count: 64)
        let made = try cli.swiftgan(["train", "--data-dir", "data", "--steps", "2", "--batch", "8", "--checkpoint-every", "1",
                                     "--out", "run"], directory: root)
        #expect(made.status == 0, "train failed: \(made.error)")
        let resumed = try cli.swiftgan(["train", "--resume", root + "/run", "--steps", "3"])
        #expect(resumed.status == 0, "resume from elsewhere failed: \(resumed.error)")
        let changed = try cli.swiftgan(["train", "--resume", root + "/run", "--steps", "4", "--model", "dcgan"])
        #expect(changed.status != 0 && changed.error.contains("--model cannot change on --resume") && oneLine(changed.error))
        try FileManager.default.removeItem(atPath: root + "/run/swiftgan-run.json")
        let unmarked = try cli.swiftgan(["train", "--resume", root + "/run", "--steps", "4"])
        #expect(unmarked.status != 0 && unmarked.error.contains("not a SwiftGAN run"))
    }

    @Test func samplingRefusesBadLatentsNegativeCountsAndAWrongModel() throws {
        let run = try Fixtures.temporaryDirectory() + "/run"
        #expect(try cli.swiftgan(["train", "--data-dir", try tinyData(), "--steps", "1", "--batch", "8", "--out", run]).status == 0)
        let g = run + "/generator.safetensors"
        var values = [Float](repeating: 0, count: 2 * 64)
        values[70] = .nan
        try NPY.write(Tensor(values, shape: [2, 64]), to: run + "/nan.npy")
        let nan = try cli.swiftgan(["sample", "--weights", g, "--z", run + "/nan.npy", "--npy", run + "/o.npy"])
        #expect(nan.status != 0 && nan.error.contains("non-finite latent at row 1, column 6") && oneLine(nan.error))
        try NPY.write(Tensor.zeros([0, 64]), to: run + "/empty.npy")
        let empty = try cli.swiftgan(["sample", "--weights", g, "--z", run + "/empty.npy", "--npy", run + "/o.npy"])
        #expect(empty.status != 0 && empty.error.contains("holds no latents"))
        let negative = try cli.swiftgan(["sample", "--weights", g, "--n", "-3", "--npy", run + "/o.npy"])
        #expect(negative.status != 0 && negative.error.contains("--n must be positive") && oneLine(negative.error))
        let wrong = try cli.swiftgan(["sample", "--model", "dcgan", "--weights", g, "--n", "2", "--npy", run + "/o.npy"])
        #expect(wrong.status != 0 && wrong.error.contains("holds a mlp model") && oneLine(wrong.error))
    }

    @Test func otherSettingsAndOutputsAreCheckedUpFront() throws {
        let lambda = try cli.swiftgan(["train", "--model", "toy-cycle", "--lambda-cycle", "-3", "--steps", "2",
                                       "--out", try Fixtures.temporaryDirectory() + "/r"])
        #expect(lambda.status != 0 && lambda.error.contains("--lambda-cycle [lambdaCycle] must not be negative") && oneLine(lambda.error))
        let folder = try Fixtures.temporaryDirectory()
        let evaluator = try cli.swiftgan(["evaluator", "train", "--data-dir", folder, "--epochs", "1", "--out", folder])
        #expect(evaluator.status != 0 && evaluator.error.contains("is a directory") && oneLine(evaluator.error))
        let f = try Fixtures.load("metrics.safetensors")
        try NPY.write(f["a.real"]!, to: folder + "/r.npy")
        let none = try cli.swiftgan(["metrics", "--real", folder + "/r.npy", "--fake", folder + "/r.npy", "--metrics", ""])
        #expect(none.status != 0 && none.error.contains("--metrics names no metric"))
        let same = try cli.swiftgan(["metrics", "--real", folder + "/r.npy", "--fake", folder + "/r.npy", "--metrics", "fid", "--json"])
        let json = try JSONSerialization.jsonObject(with: Data(same.output.utf8)) as? [String: Any]
        #expect((json?["fid"] as? Double).map { $0 >= 0 && $0 < 1e-3 } == true, "FID of a set with itself: \(same.output)")
    }
}
