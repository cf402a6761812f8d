import ArgumentParser
import Foundation
import SwiftGAN

/// "1 image", "3 images".
private func imageCount(_ n: Int) -> String { n == 1 ? "1 image" : "\(n) images" }

struct Translate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Translate images with a trained Pix2Pix or CycleGAN generator.",
        discussion: """
        --input is a float32 .npy of [n, C, H, W] in [-1, 1], a PNG or JPEG image, or a folder of \
        them (converted to the generator's channels). Inputs smaller than the training images \
        (28×28 against 32×32) are padded with -1 (the background) and the outputs cropped back, so \
        every output has its input's size. --npy writes the outputs as float32 [n, C, H, W] in \
        [-1, 1], --png one picture (the image itself for one input, else a grid), --out DIR one PNG \
        per input named after it. A CycleGAN run saves G_AB.safetensors (A → B) and \
        G_BA.safetensors (B → A).
        """)

    @Option(help: "pix2pix or cyclegan (read from SwiftGAN files; needed for PyTorch's).")
    var model: String?
    @Option(help: "Generator weights (safetensors, ours or saved by PyTorch).")
    var weights: String
    @Option(help: "A float32 .npy [n, C, H, W] in [-1, 1], an image, or a folder of images.")
    var input: String
    @Option(help: "Write the outputs as a float32 .npy here.")
    var npy: String?
    @Option(help: "Write the outputs as one PNG here (a grid for several).")
    var png: String?
    @Option(help: "Write one PNG per input into this folder.")
    var out: String?

    func validate() throws {
        guard npy != nil || png != nil || out != nil else { throw ValidationErrorLine(message: "give --npy, --png or --out (or several)") }
        if let out {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: out, isDirectory: &isDirectory), !isDirectory.boolValue {
                throw ValidationErrorLine(message: "--out \(out): exists and is not a folder")
            }
            if URL(fileURLWithPath: out).standardizedFileURL == URL(fileURLWithPath: input).standardizedFileURL {
                throw ValidationErrorLine(message: "--out \(out): is the input folder; choose another so no input is overwritten")
            }
        }
    }

    func run() throws {
        try reportingErrors {
            let loaded = try ModelRegistry.loadTranslator(from: weights, model: model)
            let (family, generator, trainedSide) = (loaded.family, loaded.generator, loaded.trainedSide ?? 32)
            let inputs = try TranslationInputs.load(input, channels: generator.channels, warn: warn)
            let provenance = Provenance(model: family.name, modelSHA256: try SHA256.hex(ofFile: weights))
            let outputs = try inputs.groups.map { try generator.translateAll($0.images, trainedSide: trainedSide) }
            let sizes = Set(outputs.map { Array($0.shape.dropFirst()) })
            if (npy != nil || (png != nil && inputs.count > 1)) && sizes.count > 1 {
                throw ValidationErrorLine(message: "\(input): images of \(sizes.count) sizes; --npy and a --png grid need one size (use --out)")
            }
            if let npy {
                let all = Tensor.concat(outputs, axis: 0)
                try NPY.write(all, to: npy)
                print("wrote \(npy) \(all.shape)")
            }
            if let png {
                let all = Tensor.concat(outputs, axis: 0)
                try AtomicFile.write(all.shape[0] == 1 ? TranslationInputs.png(all, provenance: provenance)
                                                    : ImageGrid.png(all, provenance: provenance), to: png)
                print("wrote \(png) (\(imageCount(all.shape[0])))")
            }
            if let out {
                try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
                for (group, output) in zip(inputs.groups, outputs) {
                    for (i, name) in group.names.enumerated() {
                        try AtomicFile.write(TranslationInputs.png(output.slice(axis: 0, i..<(i + 1)), provenance: provenance), to: "\(out)/\(name).png")
                    }
                }
                print("wrote \(imageCount(inputs.count)) to \((out as NSString).standardizingPath)/ (\(family.name))")
            }
        }
    }
}
