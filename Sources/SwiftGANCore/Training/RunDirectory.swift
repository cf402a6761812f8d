import Foundation
import SwiftGANEngine
import SwiftGANImages
import SwiftGANNN

/// The files of one training run:
///
/// - `config.json`: the resolved configuration
/// - `log.jsonl`: one JSON object per logged step (losses, D scores, speed)
/// - `samples/step_NNNNNN.png`, `samples/latest.png`: fixed-z sample grids
/// - `loss_curve.svg`: D and G losses over the run
/// - `generator.safetensors`, `discriminator.safetensors` (and `generator_ema.safetensors`):
///   the latest weights, PyTorch key names
/// - `checkpoints/step_NNNNNN/`: the last few complete checkpoints, for `--resume`
/// - `report.html`: all of it on one self-contained page
public struct RunDirectory {
    public let path: String

    public init(path: String) throws {
        self.path = path
        do {
            try FileManager.default.createDirectory(atPath: path + "/samples", withIntermediateDirectories: true)
        } catch {
            throw ConfigError("\(path): cannot create the run directory (\(error.localizedDescription))")
        }
    }

    public func file(_ name: String) -> String { "\(path)/\(name)" }

    public func writeConfig(_ config: TrainingConfig) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(encoder.encode(config), to: file("config.json"))
    }

    public func saveSamples(_ images: Tensor, step: Int) throws -> String {
        let png = ImageGrid.png(images)
        let name = String(format: "samples/step_%06d.png", step)
        try AtomicFile.write(png, to: file(name))
        try AtomicFile.write(png, to: file("samples/latest.png"))
        return name
    }

    /// Writes the latest weights at the top of the run directory (the EMA generator too, when
    /// there is one).
    public func saveWeights(_ trainer: GANTrainer) throws {
        let meta = ["step": String(trainer.stepCount), "format": "pt"]
        try trainer.generator.save(to: file("generator.safetensors"), metadata: meta)
        try trainer.discriminator.save(to: file("discriminator.safetensors"), metadata: meta)
        if let ema = trainer.ema { try ema.average.save(to: file("generator_ema.safetensors"), metadata: meta) }
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
    }

    public func append(_ record: [String: Value]) {
        let fields = record.sorted { $0.key < $1.key }.map { key, value -> String in
            let text: String
            switch value {
            case .number(let v):
                text = v.isFinite ? (v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)) : "null"
            case .text(let s):
                text = JSONText.quoted(s)
            }
            return "\"\(key)\": \(text)"
        }
        handle.write(("{" + fields.joined(separator: ", ") + "}\n").data(using: .utf8)!)
    }

    /// The (step, D loss, G loss) of every loss record in a log file.
    public static func lossHistory(_ path: String) -> [(step: Int, d: Float, g: Float)] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let step = o["step"] as? Int, let d = (o["loss_d"] as? NSNumber)?.floatValue,
                  let g = (o["loss_g"] as? NSNumber)?.floatValue else { return nil }
            return (step, d, g)
        }
    }

    deinit { try? handle.close() }
}
