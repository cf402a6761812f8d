import Foundation
import SwiftGANEngine

/// How a generated image was made. Every PNG of generated images that SwiftGAN writes carries it
/// as tEXt chunks (a disclosure that the image is synthetic, the software, the model and its
/// weights' hash, the seed), and `swiftgan provenance IMAGE` reads it back.
public struct Provenance: Equatable, Sendable {
    /// The architecture (`swiftgan train --model` name) that made the image.
    public var model: String?
    /// SHA-256 of the weights file, as 64 hexadecimal digits.
    public var modelSHA256: String?
    /// The seed of the latents: one number, a per-image list, or where the latents came from.
    public var seed: String?
    /// The training step of a training run's sample panel.
    public var step: Int?
    /// The watermark scheme the image is marked with (the key is never stored), when marked.
    public var watermark: String?

    public init(model: String? = nil, modelSHA256: String? = nil, seed: String? = nil, step: Int? = nil) {
        self.model = model
        self.modelSHA256 = modelSHA256
        self.seed = seed
        self.step = step
    }

    enum Keyword {
        static let software = "Software"
        static let description = "Description"
        static let sourceType = "DigitalSourceType"
        static let synthetic = "swiftgan:synthetic"
        static let model = "swiftgan:model"
        static let hash = "swiftgan:model-sha256"
        static let seed = "swiftgan:seed"
        static let step = "swiftgan:step"
        static let watermark = "swiftgan:watermark"
    }

    /// IPTC's term for media made by a trained generative model.
    public static let digitalSourceType = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"

    /// The tEXt chunks: standard PNG keywords for the software and the disclosure, IPTC's
    /// digital source type, and SwiftGAN's own keywords for the rest.
    public var textChunks: [(String, String)] {
        var chunks: [(String, String)] = [
            (Keyword.software, "SwiftGAN \(SwiftGANVersion.current)"),
            (Keyword.description, "Synthetic image made by a generative adversarial network"),
            (Keyword.sourceType, Self.digitalSourceType),
            (Keyword.synthetic, "true"),
        ]
        if let model { chunks.append((Keyword.model, Self.latin1(model))) }
        if let modelSHA256 { chunks.append((Keyword.hash, modelSHA256)) }
        if let seed { chunks.append((Keyword.seed, Self.latin1(seed))) }
        if let step { chunks.append((Keyword.step, String(step))) }
        return chunks
    }

    /// The provenance in an image's text chunks, or nil when they do not say it is SwiftGAN's
    /// synthetic image.
    public init?(textChunks: [(keyword: String, text: String)]) {
        let value = { (key: String) in textChunks.last(where: { $0.keyword == key })?.text }
        guard value(Keyword.synthetic) == "true" else { return nil }
        self.init(model: value(Keyword.model), modelSHA256: value(Keyword.hash), seed: value(Keyword.seed),
                  step: value(Keyword.step).flatMap { Int($0) })
        watermark = value(Keyword.watermark)
    }

    /// `text` with characters outside Latin-1 replaced by '?', as tEXt needs.
    private static func latin1(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0.value > 0 && $0.value < 256 ? $0 : "?" }))
    }
}
