import Foundation
import SwiftGANEngine
import SwiftGANNN

/// A complete snapshot of a run: both models (with buffers), the moving average, both
/// optimizers, the replay buffer, every random stream and the data order. Written to
/// `checkpoints/step_NNNNNN/` through a temporary directory that is renamed into place once
/// every file is on disk, so a crash leaves either the whole checkpoint or none.
public enum Checkpoint {
    struct State: Codable {
        var step: Int
        var discriminatorSteps: Int
        var noise: RandomGenerator
        var regularizerNoise: RandomGenerator
        var replayGenerator: RandomGenerator?
        var data: RealData.State
        var alarms: TrainingAlarms
    }

    static func name(step: Int) -> String { String(format: "step_%06d", step) }

    /// Writes the checkpoint for the trainer's current step and keeps the newest `keep`.
    static func save(_ trainer: GANTrainer, data: RealData.State, alarms: TrainingAlarms,
                     in directory: String, keep: Int) throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let final = "\(directory)/\(name(step: trainer.stepCount))"
        let temporary = "\(directory)/.tmp-\(name(step: trainer.stepCount))-\(getpid())"
        try? fm.removeItem(atPath: temporary)
        try fm.createDirectory(atPath: temporary, withIntermediateDirectories: true)
        let meta = ["step": String(trainer.stepCount), "format": "pt"]
        try trainer.generator.save(to: "\(temporary)/generator.safetensors", metadata: meta)
        try trainer.discriminator.save(to: "\(temporary)/discriminator.safetensors", metadata: meta)
        if let ema = trainer.ema { try ema.average.save(to: "\(temporary)/generator_ema.safetensors", metadata: meta) }
        var optimizerState: [String: Tensor] = [:]
        for (k, v) in trainer.optimizerG.stateTensors() { optimizerState["g.\(k)"] = v }
        for (k, v) in trainer.optimizerD.stateTensors() { optimizerState["d.\(k)"] = v }
        try Safetensors.write(optimizerState, to: "\(temporary)/optimizers.safetensors")
        if let replay = trainer.replay, let stored = replay.stacked() {
            try Safetensors.write(["samples": stored], to: "\(temporary)/replay.safetensors")
        }
        let state = State(step: trainer.stepCount, discriminatorSteps: trainer.discriminatorStepCount, noise: trainer.noise,
                          regularizerNoise: trainer.regularizerNoise, replayGenerator: trainer.replay?.generator,
                          data: data, alarms: alarms)
        try AtomicFile.write(JSONEncoder().encode(state), to: "\(temporary)/state.json")
        try? fm.removeItem(atPath: final)
        guard rename(temporary, final) == 0 else {
            throw ConfigError("\(final): cannot move the checkpoint into place (\(String(cString: strerror(errno))))")
        }
        let fd = open(directory, O_RDONLY)
        if fd >= 0 { fsync(fd); close(fd) }
        let all = try list(directory)
        for old in all.dropLast(keep) { try? fm.removeItem(atPath: "\(directory)/\(old)") }
    }

    /// Checkpoint directory names, oldest first.
    static func list(_ directory: String) throws -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasPrefix("step_") }.sorted()
    }

    /// Restores the newest checkpoint into `trainer`; returns the data state and alarms to resume with.
    static func restoreLatest(_ trainer: GANTrainer, from directory: String) throws -> (RealData.State, TrainingAlarms) {
        guard let latest = try list(directory).last else {
            throw ConfigError("\(directory): no checkpoint to resume from")
        }
        let path = "\(directory)/\(latest)"
        try trainer.generator.load(from: "\(path)/generator.safetensors")
        try trainer.discriminator.load(from: "\(path)/discriminator.safetensors")
        if let ema = trainer.ema { try ema.average.load(from: "\(path)/generator_ema.safetensors") }
        let optimizerState = try Safetensors.read("\(path)/optimizers.safetensors")
        func part(_ prefix: String) -> [String: Tensor] {
            Dictionary(uniqueKeysWithValues: optimizerState.compactMap { k, v in k.hasPrefix(prefix) ? (String(k.dropFirst(prefix.count)), v) : nil })
        }
        try trainer.optimizerG.loadStateTensors(part("g."))
        try trainer.optimizerD.loadStateTensors(part("d."))
        let data = try AtomicFile.read("\(path)/state.json")
        let state: State
        do { state = try JSONDecoder().decode(State.self, from: data) } catch {
            throw ConfigError("\(path)/state.json: unreadable (\(error))")
        }
        if let replay = trainer.replay, let generator = state.replayGenerator {
            let stored = FileManager.default.fileExists(atPath: "\(path)/replay.safetensors")
                ? try Safetensors.read("\(path)/replay.safetensors")["samples"] : nil
            replay.restore(samples: stored, generator: generator)
        }
        trainer.stepCount = state.step
        trainer.discriminatorStepCount = state.discriminatorSteps
        trainer.noise = state.noise
        trainer.regularizerNoise = state.regularizerNoise
        return (state.data, state.alarms)
    }
}
