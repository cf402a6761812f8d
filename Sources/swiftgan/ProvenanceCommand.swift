import ArgumentParser
import Foundation
import SwiftGAN

struct ProvenanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "provenance",
        abstract: "Read the provenance SwiftGAN writes into the PNGs of generated images.",
        discussion: """
        Every PNG of generated images that SwiftGAN writes (sample, translate, serve, a run's sample \
        panels) says in its text chunks that it is synthetic, which software and model made it, the \
        SHA-256 of the weights and the seed. Exits with 1 when an image carries no SwiftGAN provenance.
        """)

    @Argument(help: "PNG images.")
    var images: [String]
    @Flag(help: "Print one JSON object per image.")
    var json = false

    func validate() throws {
        if images.isEmpty { throw ValidationErrorLine(message: "give one or more PNG images") }
    }

    func run() throws {
        var unmarked = 0
        for path in images {
            let chunks = try reportingErrors { try PNGText.read(file: path) }
            let provenance = Provenance(textChunks: chunks)
            if provenance == nil { unmarked += 1 }
            if json {
                var object: [String: Any] = ["image": path, "synthetic": provenance != nil]
                for (keyword, text) in chunks { object[keyword] = text }
                let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
                print(String(decoding: data, as: UTF8.self))
                continue
            }
            guard let provenance else {
                print("\(path): no SwiftGAN provenance (\(chunks.isEmpty ? "no text chunks" : "text chunks: " + chunks.map(\.keyword).joined(separator: ", ")))")
                continue
            }
            let software = chunks.last(where: { $0.keyword == "Software" })?.text ?? "unknown software"
            print("\(path): synthetic image made by \(software)")
            if let model = provenance.model { print("  model: \(model)") }
            if let hash = provenance.modelSHA256 { print("  weights sha256: \(hash)") }
            if let seed = provenance.seed { print("  seed: \(seed)") }
            if let step = provenance.step { print("  training step: \(step)") }
        }
        if unmarked > 0 { throw ExitCode(1) }
    }
}
