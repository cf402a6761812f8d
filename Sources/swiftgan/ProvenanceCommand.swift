import ArgumentParser
import Foundation
import SwiftGAN

struct ProvenanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "provenance",
        abstract: "Read the provenance SwiftGAN writes into the PNGs of generated images, and detect its watermark.",
        discussion: """
        Every PNG of generated images that SwiftGAN writes (sample, translate, serve, a run's sample \
        panels) says in its text chunks that it is synthetic, which software and model made it, the \
        SHA-256 of the weights and the seed. Exits with 1 when an image carries no SwiftGAN provenance. \
        With --detect KEY it looks for the invisible watermark of `sample --watermark KEY` or \
        `serve --watermark KEY` in PNG or JPEG images (the text chunks do not survive re-encoding; \
        the watermark is meant to), and exits with 1 when an image does not carry it.
        """)

    @Argument(help: "PNG images (or JPEG, with --detect).")
    var images: [String]
    @Option(help: ArgumentHelp("Detect the watermark made with this key.", valueName: "key"))
    var detect: String?
    @Flag(help: "Print one JSON object per image.")
    var json = false

    func validate() throws {
        if images.isEmpty { throw ValidationErrorLine(message: "give one or more PNG images") }
        if let detect, detect.isEmpty { throw ValidationErrorLine(message: "--detect needs the watermark's key") }
    }

    func run() throws {
        let watermark = detect.map(Watermark.init(key:))
        var failures = 0
        for path in images {
            let data = try reportingErrors { () throws -> Data in
                guard let data = FileManager.default.contents(atPath: path) else {
                    throw ValidationErrorLine(message: "\(path): cannot be read (missing, a directory, or not readable)")
                }
                return data
            }
            let isPNG = data.starts(with: [0x89, 0x50, 0x4E, 0x47])
            // A JPEG has no text chunks; only the watermark can speak for it.
            let chunks = watermark != nil && !isPNG ? [] : try reportingErrors { try PNGText.read(data, path: path) }
            let provenance = Provenance(textChunks: chunks)
            let score = try watermark.map { mark in
                try reportingErrors { () throws -> Double in
                    let image = try ImageFile.decode(data, path: path)
                    return mark.score(image.pixels, width: image.width, height: image.height, channels: image.channels)
                }
            }
            let marked = score.map { $0 >= Watermark.threshold }
            if let marked { failures += marked ? 0 : 1 } else if provenance == nil { failures += 1 }
            if json {
                var object: [String: Any] = ["image": path, "synthetic": provenance != nil]
                for (keyword, text) in chunks { object[keyword] = text }
                if let score, let marked { object["watermark_score"] = score; object["watermark_detected"] = marked }
                let encoded = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
                print(String(decoding: encoded, as: UTF8.self))
                continue
            }
            // Text from a file is shown with its control characters escaped, so a crafted chunk
            // cannot forge lines or move the terminal's cursor.
            let shown = { (text: String) in
                text.unicodeScalars.map { $0.value < 32 || (0x7F...0x9F).contains($0.value) ? "\\u{\(String($0.value, radix: 16))}" : String($0) }
                    .joined()
            }
            if let provenance {
                let software = shown(chunks.last(where: { $0.keyword == "Software" })?.text ?? "unknown software")
                print("\(path): synthetic image made by \(software)")
                if let model = provenance.model { print("  model: \(shown(model))") }
                if let hash = provenance.modelSHA256 { print("  weights sha256: \(shown(hash))") }
                if let seed = provenance.seed { print("  seed: \(shown(seed))") }
                if let step = provenance.step { print("  training step: \(step)") }
                if provenance.watermark != nil { print("  marked with SwiftGAN's watermark") }
            } else {
                print("\(path): no SwiftGAN provenance (\(chunks.isEmpty ? "no text chunks" : "text chunks: " + chunks.map { shown($0.keyword) }.joined(separator: ", ")))")
            }
            if let score, let marked {
                print(String(format: "  watermark: %@ (score %.2f, threshold %.1f)", marked ? "detected" : "not detected", score, Watermark.threshold))
            }
        }
        if failures > 0 { throw ExitCode(1) }
    }
}
