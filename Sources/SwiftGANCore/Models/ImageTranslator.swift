import Foundation
import SwiftGANEngine
import SwiftGANNN

/// A generator that maps images to images (Pix2Pix's U-Net, CycleGAN's ResNet generator): what
/// `swiftgan translate` and `swiftgan eval --run` drive.
///
/// ```swift
/// let g = try ModelRegistry.loadTranslator(from: "runs/edges/generator.safetensors", model: nil).generator
/// let out = try g.translateAll(edges)   // [n, 1, 28, 28] in [-1, 1]: padded to 32, cropped back
/// ```
public protocol ImageTranslator: Module, UnaryLayer {
    /// The image channels in and out.
    var channels: Int { get }
    /// The sides the generator takes are multiples of this (its downsampling); its recipe
    /// checks training data against the same number.
    static var sideMultiple: Int { get }
}

extension UNetGenerator: ImageTranslator {
    public static var sideMultiple: Int { 32 }
}

extension ResnetGenerator: ImageTranslator {
    public static var sideMultiple: Int { 4 }
}

extension ImageTranslator {
    /// The padding of a side before translation, split evenly: a side smaller than `trainedSide`
    /// (the size the generator was trained at) is padded up to it (28 → 32: 2 before, 2 after, as
    /// the peer zoo's `pad_to_32`), a larger one up to the next multiple of `sideMultiple`.
    public func padding(forSide side: Int, trainedSide: Int = 32) -> (before: Int, after: Int) {
        let multiple = Self.sideMultiple
        let target = side < trainedSide ? trainedSide : (side + multiple - 1) / multiple * multiple
        let total = target - side
        return (total / 2, total - total / 2)
    }

    /// The generator on `x` [n, channels, H, W], its sides padded with -1 (the background) as
    /// `padding(forSide:trainedSide:)` says and the output cropped back to H×W: what
    /// `translateAll` runs on each batch, and what `swiftgan export` writes as a graph.
    public func translatePadded(_ x: Tensor, trainedSide: Int = 32) -> Tensor {
        let (h, w) = (x.shape[2], x.shape[3])
        let (py, px) = (padding(forSide: h, trainedSide: trainedSide), padding(forSide: w, trainedSide: trainedSide))
        guard py != (0, 0) || px != (0, 0) else { return self(x) }
        let padded = x.paddedWithBackground(vertical: py, horizontal: px)
        return self(padded).slice(axis: 2, py.before..<(py.before + h)).slice(axis: 3, px.before..<(px.before + w))
    }

    /// Outputs for `images` ([n, channels, H, W] in [-1, 1]) in evaluation mode, in batches of
    /// 256 into one buffer allocated up front. Sides are padded with -1 (the background) as
    /// `padding(forSide:trainedSide:)` says, and the outputs cropped back to the input's size.
    public func translateAll(_ images: Tensor, trainedSide: Int = 32) throws -> Tensor {
        guard images.rank == 4, images.shape[1] == channels else {
            throw ConfigError("expected images [n, \(channels), H, W], got \(images.shape)")
        }
        let (count, h, w) = (images.shape[0], images.shape[2], images.shape[3])
        let output = try Tensor(checkedUninitializedShape: images.shape)
        let perImage = channels * h * w
        eval()
        defer { train() }
        var start = 0
        while start < count {
            let end = min(start + 256, count)
            let batch = withNoGrad { translatePadded(images.slice(axis: 0, start..<end), trainedSide: trainedSide) }
            batch.withUnsafeBufferPointer { values in
                (output.storage.pointer + start * perImage).update(from: values.baseAddress!, count: values.count)
            }
            start = end
        }
        return output
    }
}

/// A translation generator loaded from a weights file, with what the file says of it.
public struct LoadedTranslator {
    public let family: ModelFamily
    public let generator: any ImageTranslator
    /// The side it was trained at (its `swiftgan.side` metadata); nil when the file does not say.
    public let trainedSide: Int?
}

extension ModelRegistry {
    /// The translation generator of a weights file, its weights loaded, reading the file once:
    /// the family its SwiftGAN metadata names, or `model` for files without it (PyTorch's).
    public static func loadTranslator(from path: String, model: String?) throws -> LoadedTranslator {
        let (tensors, metadata) = try Safetensors.readWithMetadata(path)
        let recorded = metadata[WeightsMetadata.family]
        if let model, let recorded, model != recorded {
            throw ConfigError("\(path): holds a \(recorded) model (its metadata says so), not \(model); drop --model")
        }
        guard let name = model ?? recorded else {
            throw ConfigError("\(path): no SwiftGAN model in its metadata (a PyTorch file?); pass --model")
        }
        let family = try self.family(named: name)
        guard let make = family.makeTranslator else {
            throw ConfigError("\(path): model \(family.name) does not translate images (see swiftgan sample)")
        }
        if let kind = metadata[WeightsMetadata.kind], kind == NamedModel.Role.discriminator.rawValue {
            throw ConfigError("\(path): a discriminator (\(metadata[WeightsMetadata.role] ?? kind)) of a \(family.name) run; give a generator")
        }
        let generator = try make(metadata)
        try generator.loadStateDict(tensors, source: path)
        return LoadedTranslator(family: family, generator: generator, trainedSide: metadata["swiftgan.side"].flatMap { Int($0) })
    }
}
