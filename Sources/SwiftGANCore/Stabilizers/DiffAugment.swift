import Foundation
import SwiftGANEngine

/// Differentiable Augmentation (Zhao et al. 2020, "Differentiable Augmentation for Data-Efficient
/// GAN Training"): random color, translation and cutout transforms applied to every image the
/// discriminator sees, real and fake, in the D step and the G step. The transforms are built
/// from tensor ops (arithmetic, means, a `SparseLinearMap` gather and mask products), so D's loss
/// reaches G through them, and gradient penalties differentiate through them to second order.
///
/// The policies are the official PyTorch code's (`DiffAugment_pytorch.py`), applied in the
/// order given, with the same random parameters per sample:
/// - `color`: brightness (add U(0,1) − 0.5), saturation (scale the deviation from the channel
///   mean by 2·U(0,1)), contrast (scale the deviation from the image mean by U(0,1) + 0.5);
/// - `translation`: shift by whole pixels, at most int(size · 0.125 + 0.5) along each axis,
///   filling with zeros;
/// - `cutout`: zero a square of side int(size · 0.5 + 0.5) at a random position (cut at the
///   borders).
///
/// ```swift
/// let augment = try DiffAugment(parsing: "translation,cutout,color")
/// var rng = RandomGenerator(seed: 0)
/// let realOut = D(augment(real, generator: &rng))
/// let fakeOut = D(augment(G(z), generator: &rng))   // an independent draw, as the paper does
/// let (a, b) = augment([imageA, imageB], generator: &rng).pair   // paired data: one draw for both
/// ```
///
/// It lives beside the other stabilizers because recipes own it (a random stream, the
/// `--diffaugment` setting); it depends only on engine ops.
public struct DiffAugment: Equatable, Sendable, CustomStringConvertible {
    /// One of the official policies.
    public enum Policy: String, CaseIterable, Sendable {
        case color, translation, cutout
    }

    /// The policies, in the order they are applied.
    public let policies: [Policy]
    /// The seed of the stream `callAsFunction(_:streams:)` starts when a recipe has none yet.
    public let seed: UInt64

    /// The name of the recipe random stream augmentations are drawn from (saved in checkpoints).
    public static let streamName = "augment"
    /// The official ratios: the largest shift and the cutout side, as shares of the image side.
    public static let translationRatio = 0.125
    public static let cutoutRatio = 0.5

    /// Augmentation with `policies` (each at most once; none: the identity).
    public init(policies: [Policy], seed: UInt64 = 0) {
        precondition(Set(policies).count == policies.count, "DiffAugment: policy listed twice in \(policies)")
        self.policies = policies
        self.seed = seed
    }

    /// Augmentation from a comma list such as "translation,cutout,color" ("" is none).
    public init(parsing list: String, seed: UInt64 = 0) throws(DiffAugmentError) {
        var policies: [Policy] = []
        for word in list.split(separator: ",", omittingEmptySubsequences: false) {
            let name = word.trimmingCharacters(in: .whitespaces)
            if name.isEmpty && list.allSatisfy({ $0 == " " }) { continue }
            guard let policy = Policy(rawValue: name) else { throw .unknownPolicy(name) }
            guard !policies.contains(policy) else { throw .repeatedPolicy(name) }
            policies.append(policy)
        }
        self.init(policies: policies, seed: seed)
    }

    /// Whether any policy is on (otherwise augmenting returns its input and draws nothing).
    public var isEnabled: Bool { !policies.isEmpty }

    public var description: String { policies.map(\.rawValue).joined(separator: ",") }

    // MARK: Random parameters

    /// The random parameters of one augmentation of a batch: one value per sample for each
    /// transform of the policies (arrays of the policies left out are empty).
    public struct Parameters: Equatable, Sendable {
        /// The batch size and image size the parameters were drawn for.
        public var batch: Int, height: Int, width: Int
        /// color: added to every pixel, in [-0.5, 0.5).
        public var brightness: [Float] = []
        /// color: the factor of the deviation from the mean over channels, in [0, 2).
        public var saturation: [Float] = []
        /// color: the factor of the deviation from the mean over the image, in [0.5, 1.5).
        public var contrast: [Float] = []
        /// translation: output pixel (i, j) is input pixel (i + rowShift, j + columnShift), 0
        /// outside the image (the official code's `translation_x` and `translation_y`).
        public var rowShift: [Int] = []
        public var columnShift: [Int] = []
        /// cutout: the zeroed square's rows are `cutoutRow - side/2 ..< cutoutRow - side/2 + side`
        /// clamped to the image (the official code's `offset_x`), likewise its columns.
        public var cutoutRow: [Int] = []
        public var cutoutColumn: [Int] = []

        public init(batch: Int, height: Int, width: Int) {
            self.batch = batch
            self.height = height
            self.width = width
        }
    }

    /// The largest translation and the cutout side for an image side of `size` pixels.
    public static func maximumShift(size: Int) -> Int { Int(Double(size) * translationRatio + 0.5) }
    public static func cutoutSide(size: Int) -> Int { Int(Double(size) * cutoutRatio + 0.5) }

    /// Draws the parameters for a batch of `batch` images of `height`×`width`, in policy order
    /// (color: brightness, saturation, contrast; translation: rows, columns; cutout: rows,
    /// columns), as the official code draws them.
    public func draw(batch n: Int, height h: Int, width w: Int, generator rng: inout RandomGenerator) -> Parameters {
        var p = Parameters(batch: n, height: h, width: w)
        func integers(_ range: ClosedRange<Int>) -> [Int] {
            (0..<n).map { _ in range.lowerBound + rng.integer(below: range.count) }
        }
        for policy in policies {
            switch policy {
            case .color:
                p.brightness = rng.uniform([n]).scalars.map { $0 - 0.5 }
                p.saturation = rng.uniform([n]).scalars.map { $0 * 2 }
                p.contrast = rng.uniform([n]).scalars.map { $0 + 0.5 }
            case .translation:
                let (sy, sx) = (Self.maximumShift(size: h), Self.maximumShift(size: w))
                p.rowShift = integers(-sy...sy)
                p.columnShift = integers(-sx...sx)
            case .cutout:
                // Odd sides centre anywhere in the image, even ones up to one past it (official).
                p.cutoutRow = integers(0...(h - Self.cutoutSide(size: h) % 2))
                p.cutoutColumn = integers(0...(w - Self.cutoutSide(size: w) % 2))
            }
        }
        return p
    }

    /// Draws the parameters for the batch `x` ([n, C, H, W]).
    public func draw(for x: Tensor, generator rng: inout RandomGenerator) -> Parameters {
        precondition(x.rank == 4, "DiffAugment augments [n, C, H, W] images, got shape \(x.shape)")
        return draw(batch: x.shape[0], height: x.shape[2], width: x.shape[3], generator: &rng)
    }

    // MARK: Augmenting

    /// `x` ([n, C, H, W]) augmented with a fresh draw from `rng`; `x` itself without policies.
    public func callAsFunction(_ x: Tensor, generator rng: inout RandomGenerator) -> Tensor {
        guard isEnabled else { return x }
        return apply(x, draw(for: x, generator: &rng))
    }

    /// Several batches of the same size augmented with one draw, so that each sample's images
    /// get the same transform (paired data: A and B of a Pix2Pix pair). The color statistics
    /// (means) are each tensor's own; the random factors, shifts and cutouts are shared.
    public func callAsFunction(_ xs: [Tensor], generator rng: inout RandomGenerator) -> [Tensor] {
        guard isEnabled, let first = xs.first else { return xs }
        let p = draw(for: first, generator: &rng)
        return xs.map { apply($0, p) }
    }

    /// `x` augmented with a draw from the recipe stream `streams["augment"]` (started from
    /// `seed` when absent): the one-line form for recipes that keep their streams in a
    /// dictionary. Without policies, `x` itself, and no stream is added.
    public func callAsFunction(_ x: Tensor, streams: inout [String: RandomGenerator]) -> Tensor {
        guard isEnabled else { return x }
        var rng = streams[Self.streamName] ?? RandomGenerator(seed: seed)
        defer { streams[Self.streamName] = rng }
        return self(x, generator: &rng)
    }

    /// `x` augmented with given parameters (drawn for its batch and image size).
    public func apply(_ x: Tensor, _ p: Parameters) -> Tensor {
        precondition(x.rank == 4 && x.shape[0] == p.batch && x.shape[2] == p.height && x.shape[3] == p.width,
                     "DiffAugment parameters for [\(p.batch), C, \(p.height), \(p.width)] applied to shape \(x.shape)")
        var x = x
        for policy in policies {
            switch policy {
            case .color:
                x = Self.adjustColor(x, brightness: p.brightness, saturation: p.saturation, contrast: p.contrast)
            case .translation:
                x = Self.translate(x, rows: p.rowShift, columns: p.columnShift)
            case .cutout:
                x = Self.cutOut(x, rows: p.cutoutRow, columns: p.cutoutColumn)
            }
        }
        return x
    }

    /// Brightness, saturation and contrast, in that order, with per-sample values.
    public static func adjustColor(_ x: Tensor, brightness: [Float], saturation: [Float], contrast: [Float]) -> Tensor {
        let n = x.shape[0]
        func perSample(_ v: [Float]) -> Tensor { Tensor(v, shape: [n, 1, 1, 1]) }
        var x = x + perSample(brightness)
        let channelMean = x.mean(axis: 1, keepDims: true)
        x = (x - channelMean) * perSample(saturation) + channelMean
        let imageMean = x.mean(axes: [1, 2, 3], keepDims: true)
        return (x - imageMean) * perSample(contrast) + imageMean
    }

    /// Each image shifted by whole pixels, zeros shifted in: a gather whose gradient (a scatter)
    /// and second derivative (the gather again) are the sparse map's.
    public static func translate(_ x: Tensor, rows: [Int], columns: [Int]) -> Tensor {
        x.applying(translationMap(shape: x.shape, rows: rows, columns: columns))
    }

    /// The gather of `translate`: output (b, c, i, j) takes input (b, c, i + rows[b], j + columns[b]),
    /// or nothing (-1) outside. Filled a row at a time: the valid columns of a row are one run of
    /// consecutive input indices.
    static func translationMap(shape: [Int], rows: [Int], columns: [Int]) -> SparseLinearMap {
        let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
        precondition(rows.count == n && columns.count == n, "translation needs one shift per sample for \(n) samples")
        var indices = [Int64](repeating: -1, count: n * c * h * w)
        indices.withUnsafeMutableBufferPointer { index in
            for b in 0..<n {
                let (dy, dx) = (rows[b], columns[b])
                let firstRow = max(0, -dy), endRow = min(h, h - dy)
                let firstColumn = max(0, -dx), endColumn = min(w, w - dx)
                guard firstRow < endRow && firstColumn < endColumn else { continue }
                for plane in (b * c)..<((b + 1) * c) {
                    for i in firstRow..<endRow {
                        let out = (plane * h + i) * w
                        let source = Int64((plane * h + i + dy) * w + dx)
                        for j in firstColumn..<endColumn { index[out + j] = source + Int64(j) }
                    }
                }
            }
        }
        return SparseLinearMap(inputShape: shape, outputShape: shape, termsPerOutput: 1, indices: indices)
    }

    /// Each image times a mask that is 0 on its cutout square: the mask is made by broadcasting
    /// row and column range tests, so the gradient is the same product.
    public static func cutOut(_ x: Tensor, rows: [Int], columns: [Int]) -> Tensor {
        let (n, h, w) = (x.shape[0], x.shape[2], x.shape[3])
        precondition(rows.count == n && columns.count == n, "cutout needs one position per sample for \(n) samples")
        /// 1 where the index along an axis of `size` lies in the sample's cut range, shaped
        /// [n, 1, size, 1] or [n, 1, 1, size]. Clamping both ends, as the official code clamps
        /// every index, keeps its set of rows exactly.
        func inside(_ centers: [Int], size: Int, axis: Int) -> Tensor {
            let side = cutoutSide(size: size)
            let first = centers.map { Float(min(max($0 - side / 2, 0), size - 1)) }
            let last = centers.map { Float(min(max($0 - side / 2 + side - 1, 0), size - 1)) }
            var indexShape = [1, 1, 1, 1]
            indexShape[axis] = size
            let index = Tensor((0..<size).map(Float.init), shape: indexShape)
            return index.greaterEqual(Tensor(first, shape: [n, 1, 1, 1])) * Tensor(last, shape: [n, 1, 1, 1]).greaterEqual(index)
        }
        let mask = 1 - inside(rows, size: h, axis: 2) * inside(columns, size: w, axis: 3)
        return x * mask
    }
}

extension Array where Element == Tensor {
    /// The two tensors of a pair (as `DiffAugment` returns them for paired data).
    public var pair: (Tensor, Tensor) {
        precondition(count == 2, "pair of \(count) tensors")
        return (self[0], self[1])
    }
}

/// A `--diffaugment` list that cannot be used.
public enum DiffAugmentError: Error, CustomStringConvertible, Equatable {
    case unknownPolicy(String)
    case repeatedPolicy(String)

    public var description: String {
        let known = DiffAugment.Policy.allCases.map(\.rawValue).joined(separator: ", ")
        switch self {
        case .unknownPolicy(let name): return "has an unknown policy '\(name)' (choose from \(known))"
        case .repeatedPolicy(let name): return "lists the policy '\(name)' twice"
        }
    }
}

extension TrainingConfig {
    /// The augmentation `--diffaugment` asks for (no policies when it is empty), drawing from a
    /// stream of its own seeded from the run's seed. Recipes store it and call it at each of
    /// D's inputs: `discriminator(augment(x, streams: &randomStreams))`.
    public var diffAugmentation: DiffAugment {
        do { return try DiffAugment(parsing: diffAugment ?? "", seed: seed &+ 0x5EED_0003) } catch {
            preconditionFailure("--diffaugment \(error) (TrainingConfig.validate() refuses it)")
        }
    }

    /// Refuses a bad `--diffaugment` list, and any list for a family that trains on points.
    func validateDiffAugment(family: ModelFamily) throws {
        guard let list = diffAugment, !list.isEmpty else { return }
        do { _ = try DiffAugment(parsing: list) } catch {
            throw ConfigError("--diffaugment [diffAugment] \(error.description), got '\(list)'")
        }
        guard family.defaultShape.sample.count == 3 else {
            throw ConfigError("model \(family.name) trains on 2-D points; --diffaugment augments images")
        }
    }
}
