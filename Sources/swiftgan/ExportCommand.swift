import ArgumentParser
import Foundation
import SwiftGAN

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a trained generator as an ONNX model (for ONNX Runtime and other engines).",
        discussion: """
        The file uses ONNX operator set 17 and has a dynamic batch axis. A latent generator takes \
        z, float32 [batch, latent size] drawn from N(0, 1), and for conditional models y, int64 \
        [batch] class indices; it gives images, float32 [batch, C, H, W] in [-1, 1] (samples \
        [batch, 2] for toy). Pix2Pix and CycleGAN generators take source, float32 \
        [batch, C, side, side] in [-1, 1] (side: --side, default the side they were trained at), \
        and give images of the same shape; as `translate` does, sides below the trained side are \
        padded with -1 inside the model and the output cropped back. The outputs equal \
        `swiftgan sample --z` (whose MLP rows of 784 the model gives as [1, 28, 28] images) and \
        `swiftgan translate` on the same inputs. The model's metadata names the family and the \
        weights' SHA-256. StyleGAN's images are its linear output (clamp them to [-1, 1] to \
        view them, as `sample --png` does); --truncation fixes ψ in the model and --noise \
        const (the default) or none fixes its noise. Other families truncate in how z is drawn \
        (`sample --truncate-z`) and have no noise inputs, so they refuse both.
        """)

    @Option(help: "The file format: onnx.")
    var format = "onnx"
    @Option(help: "The model the weights belong to (read from SwiftGAN files; needed for PyTorch's).")
    var model: String?
    @Option(help: "Generator weights (safetensors, ours or saved by PyTorch).")
    var weights: String
    @Option(help: "Write the model here.")
    var out: String
    @Option(help: "Pix2Pix and CycleGAN: the image side the model takes, 1 to 1024 (default: the side it was trained at, else 32).")
    var side: Int?
    @OptionGroup var style: StyleOptions

    func validate() throws {
        guard format.lowercased() == "onnx" else { throw ValidationErrorLine(message: "--format \(format): the formats are onnx") }
        if let side, !(1...ONNXExport.maximumSide).contains(side) {
            throw ValidationErrorLine(message: "--side must be 1 to \(ONNXExport.maximumSide)")
        }
        if out.isEmpty { throw ValidationErrorLine(message: "--out needs a path") }
    }

    func run() throws {
        try reportingErrors {
            let metadata = try Safetensors.readWithMetadata(weights).metadata
            if let a = try? FileManager.default.attributesOfItem(atPath: (out as NSString).resolvingSymlinksInPath),
               let b = try? FileManager.default.attributesOfItem(atPath: (weights as NSString).resolvingSymlinksInPath),
               a[.systemFileNumber] as? UInt64 == b[.systemFileNumber] as? UInt64, a[.systemNumber] as? UInt64 == b[.systemNumber] as? UInt64 {
                throw ValidationErrorLine(message: "--out \(out): is the weights file itself; choose another path")
            }
            let name = model ?? metadata[WeightsMetadata.architecture] ?? metadata[WeightsMetadata.family]
            let translates = try name.map { try ModelRegistry.family(named: $0).makeTranslator != nil } ?? false
            let familyName: String
            let file: ONNXExport.File
            var properties = ["swiftgan.weights-sha256": try SHA256.hex(ofFile: weights),
                              "swiftgan.weights-file": (weights as NSString).lastPathComponent]
            if translates {
                if style.isSet {
                    throw ValidationErrorLine(message: "\(style.truncation != nil ? "--truncation" : "--noise"): \(name!) translates images; it has no mapping network or noise inputs")
                }
                let loaded = try ModelRegistry.loadTranslator(from: weights, model: model)
                familyName = loaded.family.name
                properties[WeightsMetadata.family] = familyName
                let trained = loaded.trainedSide ?? 32
                file = try ONNXExport.translator(loaded.generator, side: side ?? trained, trainedSide: trained, metadata: properties)
            } else {
                if side != nil { throw ValidationErrorLine(message: "--side is for pix2pix and cyclegan generators") }
                let (family, generator) = try ModelRegistry.generator(forWeights: weights, model: model)
                if let ensemble = generator as? GeneratorEnsemble {
                    throw ValidationErrorLine(message: "\(weights): an ensemble of \(ensemble.members.count) generators; ONNX export takes one (a member's file is in the run's checkpoints, member<k>.generator.safetensors)")
                }
                try generator.load(from: weights)
                if style.noise == .random {
                    throw ValidationErrorLine(message: "--noise random: an exported model is deterministic; fix its noise with --noise const or none")
                }
                try style.apply(to: generator, family: family, seed: 0)
                familyName = family.name
                properties[WeightsMetadata.family] = familyName
                file = try ONNXExport.generator(generator, metadata: properties)
            }
            try AtomicFile.write(file.data, to: out)
            print("wrote \(out) (\(familyName), ONNX opset \(ONNXExport.operatorSet), \(file.nodeCount) nodes): \(file.signature)")
        }
    }
}
