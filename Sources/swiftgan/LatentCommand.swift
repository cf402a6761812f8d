import ArgumentParser
import Foundation
import SwiftGAN

struct LatentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "latent",
        abstract: "Explore a generator's latent space.",
        subcommands: [Interpolate.self])
}

extension LatentCommand {
    struct Interpolate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Images along the path between the latents of two seeds.",
            discussion: """
            Seed S names the latent `sample --n 1 --seed S` draws, so frame 0 is that image and \
            the last frame is seed B's. --steps frames, both ends included, lerp (or --slerp, the \
            great circle, which keeps the latents' norm as N(0, 1) samples have it). --png writes \
            the frames as a strip, --apng as an animated PNG (frames scaled --scale times, \
            --delay seconds each), --npy as float32 [steps, C, H, W]. Conditional models keep \
            one class along the path (--class, default 0).
            """)

        @Option(help: "The model the weights belong to (read from SwiftGAN files; needed for PyTorch's).")
        var model: String?
        @Option(help: "Generator weights (safetensors).")
        var weights: String
        @Option(help: "The two seeds, A,B.")
        var seeds: String
        @Option(help: "Frames, both ends included (2 to 256).")
        var steps = 8
        @Flag(help: "Spherical interpolation instead of linear.")
        var slerp = false
        @Option(help: "Conditional models: the class along the path.")
        var `class`: Int?
        @Option(parsing: .unconditional, help: "Draw the latents from N(0, 1) truncated to [-T, T] (as sample --truncate-z).")
        var truncateZ: Float?
        @Option(help: "Write the frames as one strip PNG here.")
        var png: String?
        @Option(help: "Write an animated PNG here.")
        var apng: String?
        @Option(help: "Write the frames as a float32 .npy here.")
        var npy: String?
        @Option(help: "The animated PNG's scale (nearest neighbour, 1 to 16).")
        var scale = 4
        @Option(help: "Seconds per animated frame.")
        var delay = 0.25

        func validate() throws {
            guard png != nil || apng != nil || npy != nil else { throw ValidationErrorLine(message: "give --png, --apng or --npy (or several)") }
            _ = try parsedSeeds()
            guard (2...256).contains(steps) else { throw ValidationErrorLine(message: "--steps must be 2 to 256, got \(steps)") }
            guard (1...16).contains(scale) else { throw ValidationErrorLine(message: "--scale must be 1 to 16, got \(scale)") }
            guard delay > 0 && delay <= 60 else { throw ValidationErrorLine(message: "--delay must be more than 0 and at most 60 seconds") }
            if let k = `class`, k < 0 { throw ValidationErrorLine(message: "--class must not be negative") }
            try validateTruncation(truncateZ, latentsFile: nil)
        }

        func parsedSeeds() throws -> (UInt64, UInt64) {
            let parts = seeds.split(separator: ",", omittingEmptySubsequences: false).map { UInt64($0.trimmingCharacters(in: .whitespaces)) }
            guard parts.count == 2, let a = parts[0], let b = parts[1] else {
                throw ValidationErrorLine(message: "--seeds must be two seeds A,B (non-negative integers), got '\(seeds)'")
            }
            return (a, b)
        }

        func run() throws {
            try reportingErrors {
                let (family, generator) = try ModelRegistry.generator(forWeights: weights, model: model)
                let classes = generator.classCount
                if let k = `class`, k >= classes {
                    throw ValidationErrorLine(message: classes == 0 ? "--class: model \(family.name) is not conditional"
                                                                     : "--class \(k): the model has classes 0...\(classes - 1)")
                }
                try generator.load(from: weights)
                let (a, b) = try parsedSeeds()
                let ends = Latents.forSeeds([a, b], dimension: generator.latentDimension, truncation: truncateZ)
                let path = Latents.interpolate(ends.slice(axis: 0, 0..<1), ends.slice(axis: 0, 1..<2), steps: steps, spherical: slerp)
                let labels = classes > 0 ? Array(repeating: `class` ?? 0, count: steps) : nil
                let frames = try generator.generateAll(path, labels: labels)
                guard let shape = generator.imageShape else {
                    throw ValidationErrorLine(message: "model \(family.name) makes 2-D points, not images: nothing to interpolate between")
                }
                let images = frames.reshaped([steps] + shape)
                let provenance = Provenance(model: family.name, modelSHA256: try SHA256.hex(ofFile: weights),
                                            seed: "\(slerp ? "slerp" : "lerp") from seed \(a) to seed \(b) in \(steps) steps"
                                                + (labels == nil ? "" : ", class \(`class` ?? 0)")
                                                + (truncateZ.map { ", latents truncated to ±\($0)" } ?? ""))
                if let npy {
                    try NPY.write(images, to: npy)
                    print("wrote \(npy) \(images.shape)")
                }
                if let png {
                    try AtomicFile.write(ImageGrid.png(images, columns: steps, provenance: provenance), to: png)
                    print("wrote \(png) (\(steps) frames)")
                }
                if let apng {
                    try AtomicFile.write(ImageGrid.animatedPNG(images, scale: scale, delay: delay, provenance: provenance), to: apng)
                    print("wrote \(apng) (\(steps) frames, \(delay) s each)")
                }
            }
        }
    }
}
