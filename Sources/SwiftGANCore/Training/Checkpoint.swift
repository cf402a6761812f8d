import Foundation
import SwiftGANEngine
import SwiftGANNN

/// A complete snapshot of a run, for any recipe: every model (with buffers) and moving
/// average, every optimizer, the recipe's buffers, random streams and counters, the data order
/// and the alarms. Written to `checkpoints/step_NNNNNN/` through a temporary directory that is
/// renamed into place once every file is on disk, so a crash leaves either the whole checkpoint
/// or none.
public enum Checkpoint {
    struct State: Codable {
        var format: Int?
        var step: Int
        var streams: [String: RandomGenerator]
        var counters: [String: Int]
        var data: TrainingData.State
        var alarms: TrainingAlarms
    }

    static func name(step: Int) -> String { String(format: "step_%06d", step) }

    /// Writes the checkpoint for the trainer's current step and keeps the newest `keep`.
    static func save(_ trainer: GANTrainer, data: TrainingData.State, alarms: TrainingAlarms,
                     in directory: String, keep: Int) throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let recipe = trainer.recipe
        let final = "\(directory)/\(name(step: trainer.stepCount))"
        let temporary = "\(directory)/.tmp-\(name(step: trainer.stepCount))-\(getpid())"
        try? fm.removeItem(atPath: temporary)
        try fm.createDirectory(atPath: temporary, withIntermediateDirectories: true)
        for model in recipe.models {
            try model.module.save(to: "\(temporary)/\(model.name).safetensors", metadata: trainer.metadata(for: model.name))
            if let ema = recipe.movingAverages[model.name] {
                try ema.average.save(to: "\(temporary)/\(model.name)_ema.safetensors", metadata: trainer.metadata(for: model.name))
            }
        }
        var optimizerState: [String: Tensor] = [:]
        for o in recipe.optimizers {
            for (k, v) in o.optimizer.stateTensors() { optimizerState["\(o.name).\(k)"] = v }
        }
        try Safetensors.write(optimizerState, to: "\(temporary)/optimizers.safetensors")
        let tensors = recipe.stateTensors()
        if !tensors.isEmpty { try Safetensors.write(tensors, to: "\(temporary)/state.safetensors") }
        let state = State(format: WeightsMetadata.currentFormat, step: trainer.stepCount, streams: recipe.randomStreams,
                          counters: recipe.counters, data: data, alarms: alarms)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        try AtomicFile.write(encoder.encode(state), to: "\(temporary)/state.json")
        try? fm.removeItem(atPath: final)
        guard rename(temporary, final) == 0 else {
            throw ConfigError("\(final): cannot move the checkpoint into place (\(String(cString: strerror(errno))))")
        }
        let fd = open(directory, O_RDONLY)
        if fd >= 0 { fsync(fd); close(fd) }
        for old in list(directory).dropLast(keep) { try? fm.removeItem(atPath: "\(directory)/\(old.name)") }
    }

    /// Checkpoint directories with their step numbers, oldest first (by number, so step
    /// 1,000,000 sorts after step 999,999).
    public static func list(_ directory: String) -> [(step: Int, name: String)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.compactMap { name in
            guard name.hasPrefix("step_"), let step = Int(name.dropFirst(5)), step >= 0 else { return nil }
            return (step, name)
        }.sorted { $0.step < $1.step }
    }

    /// Restores the newest checkpoint into `trainer`; returns the data state and alarms to resume with.
    static func restoreLatest(_ trainer: GANTrainer, from directory: String) throws -> (TrainingData.State, TrainingAlarms) {
        guard let latest = list(directory).last else {
            throw ConfigError("\(directory): no checkpoint to resume from")
        }
        let path = "\(directory)/\(latest.name)"
        let state: State
        do { state = try JSONDecoder().decode(State.self, from: AtomicFile.read("\(path)/state.json")) } catch {
            let old = (try? JSONSerialization.jsonObject(with: AtomicFile.read("\(path)/state.json")) as? [String: Any])?["noise"] != nil
            throw ConfigError(old ? "\(path): written by an earlier SwiftGAN (checkpoint format 1); this version resumes format \(WeightsMetadata.currentFormat) only — start a new run"
                                  : "\(path)/state.json: unreadable (\(error))")
        }
        guard state.format == WeightsMetadata.currentFormat else {
            throw ConfigError("\(path): checkpoint format \(state.format ?? 1); this version resumes format \(WeightsMetadata.currentFormat) only")
        }
        let recipe = trainer.recipe
        for model in recipe.models {
            try model.module.load(from: "\(path)/\(model.name).safetensors")
            if let ema = recipe.movingAverages[model.name] { try ema.average.load(from: "\(path)/\(model.name)_ema.safetensors") }
        }
        let optimizerState = try Safetensors.read("\(path)/optimizers.safetensors")
        for o in recipe.optimizers {
            let prefix = o.name + "."
            let part = Dictionary(uniqueKeysWithValues: optimizerState.compactMap { k, v in
                k.hasPrefix(prefix) ? (String(k.dropFirst(prefix.count)), v) : nil
            })
            do { try o.optimizer.loadStateTensors(part) } catch {
                throw ConfigError("\(path)/optimizers.safetensors: optimizer '\(o.name)': \(error)")
            }
        }
        let tensorsPath = "\(path)/state.safetensors"
        try recipe.restoreStateTensors(FileManager.default.fileExists(atPath: tensorsPath) ? Safetensors.read(tensorsPath) : [:])
        recipe.randomStreams = state.streams
        recipe.counters = state.counters
        trainer.stepCount = state.step
        return (state.data, state.alarms)
    }
}
