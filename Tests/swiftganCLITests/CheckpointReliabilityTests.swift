import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

/// What SwiftGAN promises about checkpoints, tried on the real executable: a run killed at any
/// moment (during a checkpoint write too), stopped by SIGINT or SIGTERM, or resumed from a
/// damaged checkpoint ends bitwise equal to the run that was never interrupted; a full disk is
/// a one-line error that leaves the last checkpoint intact.
@Suite(.serialized) struct CheckpointReliabilityTests {
    let cli = CLITests()
    static let steps = 400

    /// A run directory's data and the settings every run here shares.
    struct Setup {
        let root: String
        let base: [String]
    }

    static let setup: Setup = {
        let root = try! Fixtures.temporaryDirectory()
        try! TinyDataset.write(to: root + "/data", count: 128)
        let base = ["train", "--model", "mlp", "--data-dir", root + "/data", "--steps", "\(steps)", "--batch", "32",
                    "--checkpoint-every", "20", "--log-every", "10", "--sample-every", "\(steps)", "--seed", "7"]
        return Setup(root: root, base: base)
    }()

    /// The uninterrupted run, made once.
    static let whole: String = {
        let run = setup.root + "/whole"
        let result = try! CLITests().swiftgan(setup.base + ["--out", run])
        precondition(result.status == 0, "the uninterrupted run failed: \(result.error)")
        return run
    }()

    /// Expects the run in `run` to have ended with the uninterrupted run's weights and
    /// optimizer state, byte for byte.
    func expectEqualToWhole(_ run: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let last = "checkpoints/step_\(String(format: "%06d", Self.steps))"
        for file in ["generator.safetensors", "discriminator.safetensors", last + "/optimizers.safetensors", last + "/state.json"] {
            #expect(try AtomicFile.read("\(Self.whole)/\(file)") == AtomicFile.read("\(run)/\(file)"), "\(file) differs",
                    sourceLocation: sourceLocation)
        }
    }

    /// Starts `swiftgan` with its output discarded.
    func start(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLITests.executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// The step of each line of a run's log, in order.
    static func loggedSteps(_ run: String) -> [Int] {
        JSONLinesLog.lossHistory(run + "/log.jsonl").map(\.step)
    }

    static func unfinishedCheckpoints(_ run: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: run + "/checkpoints")) ?? []).filter { $0.hasPrefix(".tmp-step_") }
    }

    /// Killed with SIGKILL at 10 moments (every other one while a checkpoint is being written)
    /// and resumed each time, the run ends bitwise equal to the one never killed.
    @Test func survivesSIGKILLAtAnyMoment() throws {
        let run = Self.setup.root + "/killed"
        var rng = SystemRandomNumberGenerator()
        var killedDuringWrite = 0, kills = 0
        for attempt in 0..<10 {
            let fresh = !FileManager.default.fileExists(atPath: run + "/swiftgan-run.json")
            let process = try start(fresh ? Self.setup.base + ["--out", run, "--overwrite"] : ["train", "--resume", run])
            let began = Date()
            if attempt % 2 == 1 {
                // Wait for a checkpoint write to be under way.
                while process.isRunning && Self.unfinishedCheckpoints(run).isEmpty && Date().timeIntervalSince(began) < 5 {
                    usleep(200)
                }
            } else {
                usleep(UInt32.random(in: 150_000...900_000, using: &rng))
            }
            guard process.isRunning else {
                process.waitUntilExit()
                Issue.record("attempt \(attempt): the run ended (status \(process.terminationStatus)) before it was killed")
                break
            }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            kills += 1
            if !Self.unfinishedCheckpoints(run).isEmpty { killedDuringWrite += 1 }
        }
        #expect(kills == 10)
        #expect(killedDuringWrite >= 1, "no kill landed during a checkpoint write")
        let finished = try cli.swiftgan(["train", "--resume", run])
        #expect(finished.status == 0, "the last resume failed: \(finished.error)")
        #expect(Self.unfinishedCheckpoints(run).isEmpty)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: run).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty, "temporary files left: \(leftovers)")
        try expectEqualToWhole(run)
        #expect(Self.loggedSteps(run) == Self.loggedSteps(Self.whole), "log.jsonl should hold each logged step once after the resumes")
    }

    /// SIGINT and SIGTERM finish the step, write a checkpoint, say how to resume and exit with
    /// 128 + the signal; resuming then ends bitwise equal to the uninterrupted run.
    @Test(arguments: [SIGINT, SIGTERM]) func stopsCleanlyOnSignal(_ signal: Int32) throws {
        let run = Self.setup.root + "/signal\(signal)"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLITests.executable)
        process.arguments = Self.setup.base + ["--out", run, "--checkpoint-every", "1000"]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Once training is under way (the first logged step), ask it to stop.
        let began = Date()
        while process.isRunning && !FileManager.default.fileExists(atPath: run + "/log.jsonl") && Date().timeIntervalSince(began) < 20 {
            usleep(1000)
        }
        usleep(100_000)
        kill(process.processIdentifier, signal)
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let error = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 128 + signal, "\(output)\n\(error)")
        #expect(output.contains("continue with: swiftgan train --resume \(run)"))
        let stoppedAt = Checkpoint.list(run + "/checkpoints").map(\.step)
        #expect(stoppedAt.count == 1 && stoppedAt[0] < Self.steps, "a checkpoint of the stopped step: \(stoppedAt)")
        let resumed = try cli.swiftgan(["train", "--resume", run, "--checkpoint-every", "20"])
        #expect(resumed.status == 0, "resume failed: \(resumed.error)")
        try expectEqualToWhole(run)
    }

    /// A truncated latest checkpoint and a corrupted one before it are named in a warning and
    /// passed over; the run resumes from the one before and still ends bitwise equal.
    @Test func resumeFallsBackPastDamagedCheckpoints() throws {
        let run = Self.setup.root + "/damaged"
        let first = try cli.swiftgan(Self.setup.base + ["--out", run, "--steps", "60"])
        #expect(first.status == 0, "\(first.error)")
        #expect(Checkpoint.list(run + "/checkpoints").map(\.step) == [20, 40, 60])
        let g60 = run + "/checkpoints/step_000060/generator.safetensors"
        try Data(AtomicFile.read(g60).prefix(1000)).write(to: URL(fileURLWithPath: g60))
        let o40 = run + "/checkpoints/step_000040/optimizers.safetensors"
        var bytes = [UInt8](try AtomicFile.read(o40))
        bytes[bytes.count - 5] ^= 0x10
        try Data(bytes).write(to: URL(fileURLWithPath: o40))
        let resumed = try cli.swiftgan(["train", "--resume", run, "--steps", "\(Self.steps)"])
        #expect(resumed.status == 0, "\(resumed.error)")
        #expect(resumed.error.contains("step_000060 is damaged (generator.safetensors has 1000 bytes"), "\(resumed.error)")
        #expect(resumed.error.contains("step_000040 is damaged (optimizers.safetensors fails its checksum"))
        #expect(resumed.error.contains("resuming from step_000020 instead"))
        try expectEqualToWhole(run)

        // With every checkpoint damaged, resume refuses and says why, in one line.
        let broken = Self.setup.root + "/broken"
        #expect(try cli.swiftgan(Self.setup.base + ["--out", broken, "--steps", "20"]).status == 0)
        try Data("{}".utf8).write(to: URL(fileURLWithPath: broken + "/checkpoints/step_000020/state.json"))
        let refused = try cli.swiftgan(["train", "--resume", broken, "--steps", "40"])
        #expect(refused.status != 0)
        #expect(refused.error.contains("state.json") && refused.error.contains("no sound checkpoint is left"), "\(refused.error)")
        #expect(refused.error.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").count == 1)
    }

    /// A whole checkpoint of other networks (a critic trained without batch norm, resumed with
    /// `--d-norm batch`) is refused in one line that says so, not passed over as damaged.
    @Test func aWholeCheckpointOfOtherNetworksIsNotCalledDamaged() throws {
        let run = Self.setup.root + "/critic"
        let trained = try cli.swiftgan(["train", "--model", "dcgan", "--loss", "wgan-gp", "--data-dir", Self.setup.root + "/data",
                                        "--steps", "2", "--batch", "8", "--sample-every", "2", "--out", run])
        #expect(trained.status == 0, "\(trained.error)")
        let refused = try cli.swiftgan(["train", "--resume", run, "--steps", "4", "--d-norm", "batch"])
        #expect(refused.status != 0)
        #expect(refused.error.contains("step_000002 is whole but does not fit the networks these settings build") && !refused.error.contains("damaged"),
                "\(refused.error)")
        #expect(refused.error.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").count == 1)
        #expect(try cli.swiftgan(["train", "--resume", run, "--steps", "4"]).status == 0, "its own settings still resume it")
    }

    /// When the disk fills (a file-size limit, as tests run as root), the checkpoint write fails
    /// with a one-line error naming the cause, and the last complete checkpoint stays usable.
    @Test func fullDiskKeepsTheLastCheckpoint() throws {
        let run = Self.setup.root + "/full"
        #expect(try cli.swiftgan(Self.setup.base + ["--out", run, "--steps", "20"]).status == 0)
        let before = try AtomicFile.read(run + "/checkpoints/step_000020/optimizers.safetensors")
        let limited = Process()
        limited.executableURL = URL(fileURLWithPath: "/bin/bash")
        // 4,000 KiB: the weights fit, the optimizer state (about 8.5 MB) does not.
        limited.arguments = ["-c", "ulimit -f 4000; exec \"$0\" train --resume \"$1\" --steps 60 >/dev/null", CLITests.executable, run]
        let err = Pipe()
        limited.standardError = err
        try limited.run()
        let error = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        limited.waitUntilExit()
        #expect(limited.terminationReason == .exit && limited.terminationStatus == 1, "\(error)")
        #expect(error.contains("checkpoint of step 40 not written") && error.contains("File too large")
                && error.contains("step_000020, is intact"), "\(error)")
        #expect(error.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").count == 1, "\(error)")
        #expect(Checkpoint.list(run + "/checkpoints").map(\.step) == [20])
        #expect(Self.unfinishedCheckpoints(run).isEmpty)
        #expect(try AtomicFile.read(run + "/checkpoints/step_000020/optimizers.safetensors") == before)
        #expect(try CheckpointManifest.verify(run + "/checkpoints/step_000020", step: 20))
        let resumed = try cli.swiftgan(["train", "--resume", run, "--steps", "\(Self.steps)"])
        #expect(resumed.status == 0, "\(resumed.error)")
        try expectEqualToWhole(run)
    }
}
