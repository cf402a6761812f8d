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
/// - `generator.safetensors`, `discriminator.safetensors`: the weights, PyTorch key names
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

    public func saveCheckpoint(generator: Module, discriminator: Module, step: Int) throws {
        let meta = ["step": String(step), "format": "pt"]
        try generator.save(to: file("generator.safetensors"), metadata: meta)
        try discriminator.save(to: file("discriminator.safetensors"), metadata: meta)
    }
}

/// Appends JSON lines to a log file, flushing each so nothing is lost in a crash.
public final class JSONLinesLog {
    private let handle: FileHandle

    public init(path: String) throws {
        FileManager.default.createFile(atPath: path, contents: nil)
        guard let handle = FileHandle(forWritingAtPath: path) else { throw ConfigError("\(path): cannot open the log for writing") }
        self.handle = handle
    }

    public func append(_ record: [String: Double]) {
        let fields = record.sorted { $0.key < $1.key }.map { key, value in
            "\"\(key)\": " + (value.isFinite ? (value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)) : "null")
        }
        handle.write(("{" + fields.joined(separator: ", ") + "}\n").data(using: .utf8)!)
    }

    deinit { try? handle.close() }
}
