import Foundation
import SwiftGANEngine
import SwiftGANNN

/// A complete snapshot of a run, for any recipe: every model (with buffers) and moving
/// average, every optimizer, the recipe's buffers, random streams and counters, the data order
/// and the alarms. Written to `checkpoints/step_NNNNNN/` through a temporary directory that is
/// renamed into place once every file is on disk (with `manifest.json`, each file's size and
/// CRC-32, written last), so a crash leaves either the whole checkpoint or none, and damage done
/// later on disk is caught on resume.
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

    /// Writes the checkpoint for the trainer's current step and keeps the newest `keep`. When a
    /// write fails (a full disk, say), the unfinished checkpoint is removed and the error names
    /// the newest complete one, which stays as it was.
    static func save(_ trainer: GANTrainer, data: TrainingData.State, alarms: TrainingAlarms,
                     in directory: String, keep: Int) throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let step = trainer.stepCount
        let final = "\(directory)/\(name(step: step))"
        let temporary = "\(directory)/.tmp-\(name(step: step))-\(getpid())"
        do {
            try fm.createDirectory(atPath: temporary, withIntermediateDirectories: true)
            try write(trainer, data: data, alarms: alarms, into: temporary)
            try CheckpointManifest.write(describing: temporary, step: step)
            try syncDirectory(temporary)
            try? fm.removeItem(atPath: final)
            guard rename(temporary, final) == 0 else {
                throw ConfigError("cannot move it into place (\(String(cString: strerror(errno))))")
            }
        } catch {
            try? fm.removeItem(atPath: temporary)
            let kept = list(directory).last { $0.step != step }.map { "the last complete one, \(directory)/\($0.name), is intact" }
                ?? "no earlier checkpoint exists"
            throw ConfigError("checkpoint of step \(step) not written: \(error); \(kept)")
        }
        try? syncDirectory(directory)
        for old in list(directory).dropLast(keep) { try? fm.removeItem(atPath: "\(directory)/\(old.name)") }
    }

    /// Every file of a checkpoint but its manifest.
    private static func write(_ trainer: GANTrainer, data: TrainingData.State, alarms: TrainingAlarms,
                              into directory: String) throws {
        let recipe = trainer.recipe
        for file in recipe.modelFiles {
            try file.module.save(to: "\(directory)/\(file.name).safetensors", metadata: trainer.metadata(for: file.model))
        }
        var optimizerState: [String: Tensor] = [:]
        for o in recipe.optimizers {
            for (k, v) in o.optimizer.stateTensors() { optimizerState["\(o.name).\(k)"] = v }
        }
        try Safetensors.write(optimizerState, to: "\(directory)/optimizers.safetensors")
        let tensors = recipe.stateTensors()
        if !tensors.isEmpty { try Safetensors.write(tensors, to: "\(directory)/state.safetensors") }
        let state = State(format: WeightsMetadata.currentFormat, step: trainer.stepCount, streams: recipe.randomStreams,
                          counters: recipe.counters, data: data, alarms: alarms)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        try AtomicFile.write(encoder.encode(state), to: "\(directory)/state.json")
    }

    /// Flushes a directory's entries to disk (its files' names survive a power cut).
    private static func syncDirectory(_ path: String) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw ConfigError("\(path): cannot open (\(String(cString: strerror(errno))))") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw ConfigError("\(path): cannot sync (\(String(cString: strerror(errno))))") }
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

    /// Restores the newest sound checkpoint into `trainer` and returns the data state and
    /// alarms to resume with; nil when there is no checkpoint yet. Each checkpoint is checked
    /// against its manifest first: a damaged one is passed over for the one before it, with a
    /// warning that names what was wrong. Throws when every checkpoint is damaged.
    static func restoreLatest(_ trainer: GANTrainer, from directory: String,
                              warn: (String) -> Void) throws -> (TrainingData.State, TrainingAlarms)? {
        let checkpoints = list(directory)
        guard !checkpoints.isEmpty else { return nil }
        var problems: [String] = []
        for checkpoint in checkpoints.reversed() {
            let path = "\(directory)/\(checkpoint.name)"
            do {
                let verified = try CheckpointManifest.verify(path, step: checkpoint.step)
                if !verified {
                    warn("\(path) has no \(CheckpointManifest.fileName) (an earlier SwiftGAN's checkpoint); resuming from it unverified")
                }
                let restored: (TrainingData.State, TrainingAlarms)
                do {
                    restored = try restore(trainer, from: path)
                } catch let error where verified && !(error is IncompatibleCheckpoint) {
                    // Its files are whole (their checksums match), so the networks differ: the
                    // older checkpoints would not fit either.
                    throw IncompatibleCheckpoint(message: "\(path) is whole but does not fit the networks these settings build (\(error)): a setting that shapes them differs from the run's")
                }
                if !problems.isEmpty {
                    warn("\(problems.joined(separator: "; ")); resuming from \(checkpoint.name) instead")
                }
                return restored
            } catch let error as IncompatibleCheckpoint {
                throw ConfigError(error.message)
            } catch {
                problems.append("\(path) is damaged (\(error))")
            }
        }
        throw ConfigError(problems.joined(separator: "; ") + "; no sound checkpoint is left to resume from")
    }

    /// A checkpoint of another format: not damaged, so older ones are not tried instead.
    private struct IncompatibleCheckpoint: Error { var message: String }

    private static func restore(_ trainer: GANTrainer, from path: String) throws -> (TrainingData.State, TrainingAlarms) {
        let state: State
        do { state = try JSONDecoder().decode(State.self, from: AtomicFile.read("\(path)/state.json")) } catch {
            if (try? JSONSerialization.jsonObject(with: AtomicFile.read("\(path)/state.json")) as? [String: Any])?["noise"] != nil {
                throw IncompatibleCheckpoint(message: "\(path): written by an earlier SwiftGAN (checkpoint format 1); this version resumes format \(WeightsMetadata.currentFormat) only — start a new run")
            }
            throw ConfigError("state.json: unreadable (\(error.localizedDescription))")
        }
        guard state.format == WeightsMetadata.currentFormat else {
            throw IncompatibleCheckpoint(message: "\(path): checkpoint format \(state.format ?? 1); this version resumes format \(WeightsMetadata.currentFormat) only")
        }
        let recipe = trainer.recipe
        for file in recipe.modelFiles { try file.module.load(from: "\(path)/\(file.name).safetensors") }
        let optimizerState = try Safetensors.read("\(path)/optimizers.safetensors")
        for o in recipe.optimizers {
            let prefix = o.name + "."
            let part = Dictionary(uniqueKeysWithValues: optimizerState.compactMap { k, v in
                k.hasPrefix(prefix) ? (String(k.dropFirst(prefix.count)), v) : nil
            })
            do { try o.optimizer.loadStateTensors(part) } catch {
                throw ConfigError("optimizers.safetensors: optimizer '\(o.name)': \(error)")
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
