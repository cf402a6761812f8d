import Foundation
import SwiftGANEngine
import SwiftGANImages
import SwiftGANNN

/// The files of one training run:
///
/// - `swiftgan-run.json`: what made the run (format version, model), which marks the directory
///   as a run
/// - `config.json`: the resolved configuration
/// - `log.jsonl`: one JSON object per logged step (losses, D scores, gradient norms, speed)
/// - `samples/step_NNNNNN.png`, `samples/latest.png`: fixed-input sample panels
/// - `loss_curve.svg`: D and G losses over the run
/// - `<model>.safetensors` for each of the recipe's models (and `<model>_ema.safetensors`):
///   the latest weights, PyTorch key names, with the architecture in their metadata
/// - `checkpoints/step_NNNNNN/`: the last few complete checkpoints, for `--resume`
/// - `report.html`: all of it on one self-contained page
public struct RunDirectory {
    public let path: String
    static let markerName = "swiftgan-run.json"
    /// What a run writes at its top level (all that `--overwrite` removes).
    static let runEntries: Set<String> = [markerName, "config.json", "log.jsonl", "loss_curve.svg", "report.html"]

    struct Marker: Codable {
        var format: Int
        var model: String
    }

    /// The run directory that holds the weights file `weights` and its `config.json`, or nil
    /// when the file does not sit in a SwiftGAN run.
    public static func containing(weights: String) -> (path: String, config: [String: Any])? {
        let directory = (weights as NSString).deletingLastPathComponent
        let base = directory.isEmpty ? "." : directory
        guard FileManager.default.fileExists(atPath: base + "/" + markerName),
              let data = FileManager.default.contents(atPath: base + "/config.json"),
              let config = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return (base, config)
    }

    /// Prepares `path` for a new run: it must not exist, be empty, or (with `overwrite`) hold a
    /// SwiftGAN run, whose files are then removed. A directory with other contents is refused,
    /// so a mistyped `--out` never deletes anyone's files.
    /// The configuration is written before the marker, so every run directory a resume can
    /// open has its `config.json`.
    public init(creating path: String, config: TrainingConfig, overwrite: Bool) throws {
        self.path = path
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw ConfigError("\(path): exists and is not a directory") }
            let entries = try fm.contentsOfDirectory(atPath: path)
            if !entries.isEmpty {
                guard Self.isRun(path) else {
                    throw ConfigError("\(path): the directory is not empty and holds no SwiftGAN run; choose another --out")
                }
                guard overwrite else {
                    throw ConfigError("\(path): already holds a run; pass --resume \(path) to continue it or --overwrite to replace it")
                }
                for entry in entries {
                    let full = "\(path)/\(entry)"
                    if entry == "samples" || entry == "checkpoints" {
                        try Self.removeRunFiles(in: full)
                    } else if Self.runEntries.contains(entry) || Self.isRunWeights(full) {
                        try fm.removeItem(atPath: full)
                    }
                }
            }
        }
        do {
            try fm.createDirectory(atPath: path + "/samples", withIntermediateDirectories: true)
        } catch {
            throw ConfigError("\(path): cannot create the run directory (\(error.localizedDescription))")
        }
        try writeConfig(config)
        let marker = Marker(format: WeightsMetadata.currentFormat, model: config.model)
        try AtomicFile.write(JSONEncoder().encode(marker), to: file(Self.markerName))
    }

    /// Opens an existing run to resume it; a run written by an earlier version is a one-line
    /// error that says so.
    public init(existing path: String) throws {
        self.path = path
        let fm = FileManager.default
        guard fm.fileExists(atPath: "\(path)/\(Self.markerName)") else {
            if Self.isFormatOneRun(path) {
                throw ConfigError("\(path): written by an earlier SwiftGAN (run format 1); this version resumes format \(WeightsMetadata.currentFormat) only — start a new run")
            }
            throw ConfigError("\(path): not a SwiftGAN run (no \(Self.markerName))")
        }
        guard let marker = try? JSONDecoder().decode(Marker.self, from: AtomicFile.read("\(path)/\(Self.markerName)")) else {
            throw ConfigError("\(path)/\(Self.markerName): unreadable")
        }
        guard marker.format == WeightsMetadata.currentFormat else {
            throw ConfigError("\(path): run format \(marker.format); this version resumes format \(WeightsMetadata.currentFormat) only")
        }
        try? fm.createDirectory(atPath: path + "/samples", withIntermediateDirectories: true)
        for folder in [path, path + "/samples", path + "/checkpoints"] { Self.removeUnfinishedWrites(in: folder) }
    }

    /// Removes what writes a killed process left unfinished: `AtomicFile`'s `.NAME.tmp-PID`
    /// files and unfinished checkpoints (`.tmp-step_NNNNNN-PID`). What they were to replace is whole.
    static func removeUnfinishedWrites(in folder: String) {
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where entry.hasPrefix(".") {
            let pid = entry.range(of: ".tmp-", options: .backwards).map { entry[$0.upperBound...] } ?? ""
            guard (!pid.isEmpty && pid.allSatisfy(\.isNumber)) || entry.hasPrefix(".tmp-step_") else { continue }
            try? FileManager.default.removeItem(atPath: "\(folder)/\(entry)")
        }
    }

    /// Whether `path` holds a run of the first format: a config, and checkpoints whose state
    /// has the old single noise stream.
    static func isFormatOneRun(_ path: String) -> Bool {
        guard FileManager.default.fileExists(atPath: "\(path)/config.json") else { return false }
        return Checkpoint.list("\(path)/checkpoints").contains { checkpoint in
            let state = try? JSONSerialization.jsonObject(with: AtomicFile.read("\(path)/checkpoints/\(checkpoint.name)/state.json"))
            return (state as? [String: Any])?["noise"] != nil
        }
    }

    /// Whether `path` holds a SwiftGAN run (of this version or an earlier one).
    static func isRun(_ path: String) -> Bool {
        let fm = FileManager.default
        return fm.fileExists(atPath: "\(path)/\(markerName)")
            || (fm.fileExists(atPath: "\(path)/config.json") && fm.fileExists(atPath: "\(path)/log.jsonl"))
    }

    /// Removes what a run writes in `samples/` or `checkpoints/` (`step_*`, `latest.png`,
    /// unfinished `.tmp-*` checkpoints), keeping anything else, and the folder when it is empty.
    static func removeRunFiles(in folder: String) throws {
        let fm = FileManager.default
        for entry in (try? fm.contentsOfDirectory(atPath: folder)) ?? []
        where entry.hasPrefix("step_") || entry.hasPrefix(".tmp-step_") || entry == "latest.png" {
            try fm.removeItem(atPath: "\(folder)/\(entry)")
        }
        if (try? fm.contentsOfDirectory(atPath: folder))?.isEmpty == true { try fm.removeItem(atPath: folder) }
    }

    /// Whether `path` is a weights file a run wrote (SwiftGAN metadata, or the names of format 1).
    static func isRunWeights(_ path: String) -> Bool {
        guard path.hasSuffix(".safetensors") else { return false }
        let name = (path as NSString).lastPathComponent
        if ["generator.safetensors", "discriminator.safetensors", "generator_ema.safetensors"].contains(name) { return true }
        return (try? Safetensors.readWithMetadata(path).metadata[WeightsMetadata.family]) != nil
    }

    public func file(_ name: String) -> String { "\(path)/\(name)" }

    public func writeConfig(_ config: TrainingConfig) throws {
        try AtomicFile.write(config.encoded(), to: file("config.json"))
    }

    /// Writes a panel as `samples/step_NNNNNN.png` and `samples/latest.png`.
    public func savePanel(_ png: Data, step: Int) throws -> String {
        let name = String(format: "samples/step_%06d.png", step)
        try AtomicFile.write(png, to: file(name))
        try AtomicFile.write(png, to: file("samples/latest.png"))
        return name
    }

    /// Writes the latest weights of every model at the top of the run directory (moving
    /// averages too), with the architecture in their metadata.
    public func saveWeights(_ trainer: GANTrainer) throws {
        for weights in trainer.recipe.weightsFiles {
            var metadata = trainer.metadata(for: weights.model).merging(weights.metadata) { _, added in added }
            metadata[WeightsMetadata.kind] = weights.role.rawValue
            try weights.module.save(to: file("\(weights.name).safetensors"), metadata: metadata)
        }
    }
}

/// Appends JSON lines to a log file, flushing each so nothing is lost in a crash.
public final class JSONLinesLog {
    /// A value in a log record.
    public enum Value {
        case number(Double)
        case text(String)
    }

    private let handle: FileHandle
    private let path: String

    /// Opens `path` for appending; with `keepingStepsUpTo`, lines of later steps (written after
    /// the checkpoint a run resumes from) are dropped first.
    public init(path: String, keepingStepsUpTo lastStep: Int? = nil) throws {
        if let lastStep, let existing = try? String(contentsOfFile: path, encoding: .utf8) {
            let kept = existing.split(separator: "\n").filter { line in
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                      let step = object["step"] as? Int else { return false }
                return step <= lastStep
            }
            try AtomicFile.write(Data((kept.map { $0 + "\n" }.joined()).utf8), to: path)
        } else {
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw ConfigError("\(path): cannot create the log")
            }
        }
        guard let handle = FileHandle(forWritingAtPath: path) else { throw ConfigError("\(path): cannot open the log for writing") }
        handle.seekToEndOfFile()
        self.handle = handle
        self.path = path
    }

    /// Appends one record; throws (naming the log) when the write fails, a full disk say.
    public func append(_ record: [String: Value]) throws {
        let fields = record.sorted { $0.key < $1.key }.map { key, value -> String in
            let text: String
            switch value {
            case .number(let v):
                text = v.isFinite ? (v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)) : "null"
            case .text(let s):
                text = JSONText.quoted(s)
            }
            return "\(JSONText.quoted(key)): \(text)"
        }
        do { try handle.write(contentsOf: Data(("{" + fields.joined(separator: ", ") + "}\n").utf8)) } catch {
            throw ConfigError("\(path): cannot append to the log (\(error.localizedDescription))")
        }
    }

    /// Every record of a log file that parses, in order (none when there is no file).
    public static func records(_ path: String) -> [[String: Any]] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    /// The (step, D loss, G loss) of every loss record in a log file.
    public static func lossHistory(_ path: String) -> [(step: Int, d: Float, g: Float)] { lossHistory(records(path)) }

    /// The (step, D loss, G loss) of every loss record among `records`.
    public static func lossHistory(_ records: [[String: Any]]) -> [(step: Int, d: Float, g: Float)] {
        records.compactMap { o in
            guard let step = o["step"] as? Int, let d = (o["loss_d"] as? NSNumber)?.floatValue,
                  let g = (o["loss_g"] as? NSNumber)?.floatValue else { return nil }
            return (step, d, g)
        }
    }

    deinit { try? handle.close() }
}
