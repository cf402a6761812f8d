import Foundation
import SwiftGANData
import SwiftGANImages
import SwiftGANNN

/// Every parser SwiftGAN runs on bytes that come from users (weights, arrays, datasets, images,
/// configurations, checkpoints), each as one function from a file's bytes to a value or an
/// error. A parser must throw on anything malformed, never trap, hang or read out of bounds:
/// the fuzz targets of `Fuzz/` run them under libFuzzer with the address sanitizer, and the
/// tests replay their seed corpora (which must parse) and the inputs that once failed (which
/// must throw).
public enum InputParsers {
    public typealias Parser = @Sendable (Data) throws -> Void

    /// Safetensors files: header length, JSON header, dtypes, shapes and data offsets.
    public static let safetensors: Parser = { _ = try Safetensors.decode($0, path: "input") }
    /// `.npy` files: magic, version, header dictionary, dtype, shape and data size; read as
    /// floats (latents) or, failing that, as integers (labels).
    public static let npy: Parser = { data in
        if (try? NPY.decode(data, path: "input")) == nil { _ = try NPY.decodeIntegers(data, path: "input") }
    }
    /// IDX files (MNIST), raw or gzip-compressed, inflated no further than the header says.
    public static let idx: Parser = { _ = try IDXFile.decode([UInt8]($0), path: "input") }
    /// gzip streams (concatenated members too), with a 4 MiB limit as every caller sets one.
    public static let gzip: Parser = { _ = try Gzip.inflateIfCompressed([UInt8]($0), path: "input") { _ in 1 << 22 } }
    /// PNG and JPEG files through libpng and libjpeg-turbo: the header alone, then the image.
    public static let image: Parser = { data in
        _ = try ImageFile.header(data, path: "input")
        _ = try ImageFile.decode(data, path: "input")
    }
    /// JSON configuration files (`--config run.json`): parsing, field types, then validation.
    public static let configJSON: Parser = { try TrainingConfig.decode($0).validate() }
    /// YAML configuration files (`--config run.yaml`), as the JSON ones.
    public static let configYAML: Parser = { data in
        guard let text = String(data: data, encoding: .utf8) else { throw ConfigError("not UTF-8 text") }
        try TrainingConfig.decode(yaml: text).validate()
    }
    /// The text chunks of PNG files (provenance), as `swiftgan provenance` reads them.
    public static let pngText: Parser = { _ = try PNGText.read($0, path: "input") }
    /// Checkpoint manifests (`manifest.json`), as `--resume` reads them.
    public static let checkpointManifest: Parser = { _ = try CheckpointManifest(decoding: $0) }

    /// The parsers by the name of their fuzz target (and of its folders under `Fuzz/Corpus`
    /// and `Fuzz/Regressions`).
    public static let byFuzzTarget: [String: Parser] = [
        "FuzzSafetensors": safetensors, "FuzzNPY": npy, "FuzzIDX": idx, "FuzzGzip": gzip, "FuzzPNG": image,
        "FuzzJPEG": image, "FuzzConfigJSON": configJSON, "FuzzConfigYAML": configYAML, "FuzzManifest": checkpointManifest,
        "FuzzPNGText": pngText,
    ]
}
