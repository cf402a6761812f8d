import Foundation
import SwiftGANEngine

/// The augmentation pipeline of ADA (Karras et al. 2020, "Training Generative Adversarial
/// Networks with Limited Data"; stylegan2-ada-pytorch's `AugmentPipe`): the 'blit', 'geom' and
/// 'color' groups, each transform applied to a sample with probability `p` (ADA's
/// `AdaptiveAugmentation` moves `p`). The transforms and the distributions of their
/// parameters are the reference's:
/// - blit: x-flip, rotation by a multiple of 90°, integer translation by up to 0.125 of the side;
/// - geom: isotropic scaling (log2 std 0.2), rotation before and after anisotropic scaling
///   (each with probability 1 − √(1 − p), uniform angle), anisotropic scaling (log2 std 0.2),
///   fractional translation (std 0.125 of the side);
/// - color: brightness (std 0.2), contrast (log2 std 0.5), luma flip, hue rotation (uniform
///   angle) and saturation (log2 std 1), the last two for RGB only; a 1-channel image takes the
///   mean of the RGB rows, as the reference does (so a luma flip negates a grayscale image).
///
/// All geometric transforms of a sample compose into one inverse 3×3 matrix, which is executed
/// as one bilinear resampling with reflection at the borders: a `SparseLinearMap` of 4 terms
/// per pixel, so D's gradient reaches G through it, and R1 differentiates through it to second
/// order. The reference resamples through a 2× upsampling with the sym6 wavelet instead of
/// bilinearly; the blit transforms are exact in both. Colour transforms compose into one 4×4
/// matrix per sample, applied as an affine map of the channels.
///
/// ```swift
/// let pipeline = try AugmentPipeline(parsing: "bgc")
/// var rng = RandomGenerator(seed: 0)
/// let seen = discriminator(pipeline(images, p: 0.3, generator: &rng))
/// ```
public struct AugmentPipeline: Equatable, Sendable, CustomStringConvertible {
    /// A group of transforms, as the reference's pipeline names spell them.
    public enum Group: String, CaseIterable, Sendable {
        case blit, geom, color
    }

    /// The groups on, in the order they are applied (blit, geom, color).
    public let groups: [Group]

    /// The pipelines the reference names: blit, geom, color, bg, bgc.
    public static let names: [String: [Group]] = [
        "blit": [.blit], "geom": [.geom], "color": [.color], "bg": [.blit, .geom], "bgc": [.blit, .geom, .color],
    ]

    /// The pipeline of `groups` (applied in blit, geom, color order).
    public init(groups: Set<Group>) {
        self.groups = Group.allCases.filter(groups.contains)
    }

    /// The pipeline a reference name gives ("bgc", "bg", "blit", "geom", "color").
    public init(parsing name: String) throws(ConfigError) {
        guard let groups = Self.names[name] else {
            throw ConfigError("unknown augmentation pipeline '\(name)' (choose from \(Self.names.keys.sorted().joined(separator: ", ")))")
        }
        self.init(groups: Set(groups))
    }

    public var description: String {
        Self.names.first { $0.value == groups }?.key ?? groups.map(\.rawValue).joined(separator: "+")
    }

    // MARK: Parameters

    /// The reference's ranges and standard deviations.
    public static let translationMax = 0.125, scaleStd = 0.2, anisoStd = 0.2, fractionStd = 0.125
    public static let brightnessStd = 0.2, contrastStd = 0.5, saturationStd = 1.0

    /// The random parameters of one batch's transforms, one value per sample (arrays of the
    /// groups that are off are empty). A transform that is off for a sample holds its identity
    /// value (0 turns, scale 1, …).
    public struct Parameters: Equatable, Sendable {
        /// The batch the parameters were drawn for.
        public var batch: Int, channels: Int, height: Int, width: Int
        /// blit: x-flip (0 or 1), quarter turns (0…3), integer translation in pixels.
        public var flip: [Double] = [], quarterTurns: [Double] = [], shiftX: [Double] = [], shiftY: [Double] = []
        /// geom: isotropic scale, rotation (radians) before and after the anisotropic scale
        /// (x by `aniso`, y by 1/`aniso`), fractional translation in pixels.
        public var scale: [Double] = [], rotationBefore: [Double] = [], aniso: [Double] = [], rotationAfter: [Double] = []
        public var fractionX: [Double] = [], fractionY: [Double] = []
        /// color: brightness (added), contrast (a factor), luma flip (0 or 1), hue rotation
        /// (radians; RGB only), saturation (a factor; RGB only).
        public var brightness: [Double] = [], contrast: [Double] = [], lumaFlip: [Double] = []
        public var hue: [Double] = [], saturation: [Double] = []

        public init(batch: Int, channels: Int, height: Int, width: Int) {
            (self.batch, self.channels, self.height, self.width) = (batch, channels, height, width)
        }

        /// Each sample's inverse geometric transform (output pixel → input pixel, in pixels
        /// from the image centre), composed in the reference's order; nil when every sample's
        /// is the identity.
        public var geometry: [Matrix3]? {
            var g = [Matrix3](repeating: .identity, count: batch)
            func compose(_ values: [Double], _ transform: (Int) -> Matrix3) {
                guard !values.isEmpty else { return }
                for b in 0..<batch { g[b] = g[b] * transform(b) }
            }
            compose(flip) { .scale(1 / (1 - 2 * flip[$0]), 1) }
            compose(quarterTurns) { .rotation(Double.pi / 2 * quarterTurns[$0]) }
            compose(shiftX) { .translation(-shiftX[$0], -shiftY[$0]) }
            compose(scale) { .scale(1 / scale[$0], 1 / scale[$0]) }
            compose(rotationBefore) { .rotation(rotationBefore[$0]) }
            compose(aniso) { .scale(1 / aniso[$0], aniso[$0]) }
            compose(rotationAfter) { .rotation(rotationAfter[$0]) }
            compose(fractionX) { .translation(-fractionX[$0], -fractionY[$0]) }
            return g.contains { $0 != .identity } ? g : nil
        }

        /// Each sample's colour transform (4×4, homogeneous RGB), composed in the reference's
        /// order; nil when every sample's is the identity.
        public var color: [Matrix4]? {
            var c = [Matrix4](repeating: .identity, count: batch)
            func compose(_ values: [Double], _ transform: (Int) -> Matrix4) {
                guard !values.isEmpty else { return }
                for b in 0..<batch { c[b] = transform(b) * c[b] }
            }
            compose(brightness) { .translation(brightness[$0]) }
            compose(contrast) { .scale(contrast[$0]) }
            compose(lumaFlip) { .lumaReflection(lumaFlip[$0]) }
            compose(hue) { .lumaRotation(hue[$0]) }
            compose(saturation) { .saturation(saturation[$0]) }
            return c.contains { $0 != .identity } ? c : nil
        }
    }

    /// Draws the transforms for `n` images of `height`×`width` with `channels` channels, each
    /// transform on with probability `p`, in the reference's order.
    public func draw(batch n: Int, channels: Int, height: Int, width: Int, p: Double,
                     generator rng: inout RandomGenerator) -> Parameters {
        func uniform(_ count: Int = 1) -> [Double] { rng.uniform([n * count]).scalars.map(Double.init) }
        func normal(_ count: Int = 1) -> [Double] { rng.normal([n * count]).scalars.map(Double.init) }
        /// Per-sample values, each kept with probability `probability` and `identity` otherwise.
        func gated(_ values: [Double], _ probability: Double, identity: Double) -> [Double] {
            zip(values, uniform()).map { $1 < probability ? $0 : identity }
        }
        /// Pairs of values (x, y per sample), each pair kept with probability `p`.
        func gatedPairs(_ values: [Double]) -> ([Double], [Double]) {
            let on = uniform().map { $0 < p }
            return ((0..<n).map { on[$0] ? values[2 * $0] : 0 }, (0..<n).map { on[$0] ? values[2 * $0 + 1] : 0 })
        }
        var d = Parameters(batch: n, channels: channels, height: height, width: width)
        let (w, h) = (Double(width), Double(height))
        if groups.contains(.blit) {
            d.flip = gated(uniform().map { ($0 * 2).rounded(.down) }, p, identity: 0)
            d.quarterTurns = gated(uniform().map { ($0 * 4).rounded(.down) }, p, identity: 0)
            let t = uniform(2).map { ($0 * 2 - 1) * Self.translationMax }
            let scaled = (0..<(2 * n)).map { i in (t[i] * (i % 2 == 0 ? w : h)).rounded(.toNearestOrEven) }
            (d.shiftX, d.shiftY) = gatedPairs(scaled)
        }
        if groups.contains(.geom) {
            d.scale = gated(normal().map { exp2($0 * Self.scaleStd) }, p, identity: 1)
            let rotationProbability = 1 - (1 - min(max(p, 0), 1)).squareRoot()   // P(before or after) = p
            d.rotationBefore = gated(uniform().map { ($0 * 2 - 1) * Double.pi }, rotationProbability, identity: 0)
            d.aniso = gated(normal().map { exp2($0 * Self.anisoStd) }, p, identity: 1)
            d.rotationAfter = gated(uniform().map { ($0 * 2 - 1) * Double.pi }, rotationProbability, identity: 0)
            let t = normal(2).enumerated().map { i, v in v * Self.fractionStd * (i % 2 == 0 ? w : h) }
            (d.fractionX, d.fractionY) = gatedPairs(t)
        }
        if groups.contains(.color) {
            d.brightness = gated(normal().map { $0 * Self.brightnessStd }, p, identity: 0)
            d.contrast = gated(normal().map { exp2($0 * Self.contrastStd) }, p, identity: 1)
            d.lumaFlip = gated(uniform().map { ($0 * 2).rounded(.down) }, p, identity: 0)
            if channels > 1 {
                d.hue = gated(uniform().map { ($0 * 2 - 1) * Double.pi }, p, identity: 0)
                d.saturation = gated(normal().map { exp2($0 * Self.saturationStd) }, p, identity: 1)
            }
        }
        return d
    }

    // MARK: Augmenting

    /// `x` ([n, C, H, W], C 1 or 3) with transforms drawn at probability `p` from `rng`.
    public func callAsFunction(_ x: Tensor, p: Double, generator rng: inout RandomGenerator) -> Tensor {
        Self.apply(x, draw(for: x, p: p, generator: &rng))
    }

    /// Draws the transforms for the batch `x`.
    public func draw(for x: Tensor, p: Double, generator rng: inout RandomGenerator) -> Parameters {
        precondition(x.rank == 4, "AugmentPipeline augments [n, C, H, W] images, got shape \(x.shape)")
        return draw(batch: x.shape[0], channels: x.shape[1], height: x.shape[2], width: x.shape[3], p: p, generator: &rng)
    }

    /// `x` with drawn transforms: the geometric resampling, then the colour map.
    public static func apply(_ x: Tensor, _ parameters: Parameters) -> Tensor {
        precondition(x.shape == [parameters.batch, parameters.channels, parameters.height, parameters.width],
                     "augmentation parameters for \([parameters.batch, parameters.channels, parameters.height, parameters.width]) applied to shape \(x.shape)")
        var x = x
        if let g = parameters.geometry { x = warp(x, inverse: g) }
        if let c = parameters.color { x = transformColors(x, c) }
        return x
    }

    /// Each image resampled bilinearly at `inverse[b]` · (output pixel), coordinates in pixels
    /// from the image centre, reflecting at the borders (a pixel past the edge mirrors one
    /// inside it, the edge pixel not repeated).
    public static func warp(_ x: Tensor, inverse: [Matrix3]) -> Tensor {
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        precondition(inverse.count == n, "warp needs one transform per sample for \(n) samples")
        let plane = h * w
        var indices = [Int64](repeating: -1, count: n * c * plane * 4)
        var weights = [Float](repeating: 0, count: n * c * plane * 4)
        let (cx, cy) = (Double(w - 1) / 2, Double(h - 1) / 2)
        for b in 0..<n {
            let m = inverse[b].entries
            let base = b * c * plane * 4
            for i in 0..<h {
                for j in 0..<w {
                    let (ox, oy) = (Double(j) - cx, Double(i) - cy)
                    let u = m[0] * ox + m[1] * oy + m[2] + cx, v = m[3] * ox + m[4] * oy + m[5] + cy
                    let (u0, v0) = (u.rounded(.down), v.rounded(.down))
                    let (fu, fv) = (u - u0, v - v0)
                    let (c0, r0) = (Int(u0), Int(v0))
                    let terms = [(r0, c0, (1 - fv) * (1 - fu)), (r0, c0 + 1, (1 - fv) * fu),
                                 (r0 + 1, c0, fv * (1 - fu)), (r0 + 1, c0 + 1, fv * fu)]
                    let out = base + (i * w + j) * 4
                    for (k, term) in terms.enumerated() {
                        indices[out + k] = Int64(reflected(term.0, size: h) * w + reflected(term.1, size: w))
                        weights[out + k] = Float(term.2)
                    }
                }
            }
            // The channels of a sample share its table.
            for channel in 1..<max(c, 1) {
                let from = base, to = base + channel * plane * 4
                for k in 0..<(plane * 4) {
                    indices[to + k] = indices[from + k]
                    weights[to + k] = weights[from + k]
                }
            }
        }
        return x.applying(SparseLinearMap(inputShape: x.shape, outputShape: x.shape, termsPerOutput: 4, indices: indices,
                                          weights: weights, planes: n * c))
    }

    /// `index` mirrored into 0..<size (… 2 1 | 0 1 … size-1 | size-2 …), any distance out.
    public static func reflected(_ index: Int, size: Int) -> Int {
        guard size > 1 else { return 0 }
        let period = 2 * (size - 1)
        var k = index % period
        if k < 0 { k += period }
        return k < size ? k : period - k
    }

    /// Colours through each sample's 4×4 matrix: RGB as C[:3, :3] · rgb + C[:3, 3]; one channel
    /// as x · Σ(mean of the RGB rows)[:3] + that mean's offset (the reference's reduction).
    public static func transformColors(_ x: Tensor, _ matrices: [Matrix4]) -> Tensor {
        let (n, c) = (x.shape[0], x.shape[1])
        precondition(matrices.count == n && (c == 1 || c == 3), "colour transforms take 1 or 3 channels, one matrix per sample")
        if c == 1 {
            var gains = [Float](), offsets = [Float]()
            for m in matrices {
                let e = m.entries
                var columnMeans = [Double](repeating: 0, count: 4)
                for col in 0..<4 { for row in 0..<3 { columnMeans[col] += e[row * 4 + col] / 3 } }
                gains.append(Float(columnMeans[0] + columnMeans[1] + columnMeans[2]))
                offsets.append(Float(columnMeans[3]))
            }
            let gain = Tensor(gains, shape: [n, 1, 1, 1]), offset = Tensor(offsets, shape: [n, 1, 1, 1])
            return x * gain + offset
        }
        let linear = Tensor(matrices.flatMap { m in (0..<3).flatMap { r in (0..<3).map { Float(m.entries[r * 4 + $0]) } } },
                            shape: [n, 3, 3, 1])
        let offset = Tensor(matrices.flatMap { m in (0..<3).map { Float(m.entries[$0 * 4 + 3]) } }, shape: [n, 3, 1])
        let pixels = x.reshaped([n, 1, 3, -1])                                         // [n, 1, 3, HW]
        return ((linear * pixels).sum(axis: 2) + offset).reshaped(x.shape)
    }
}

/// A 3×3 matrix of homogeneous 2-D coordinates (x, y, 1), row-major.
public struct Matrix3: Equatable, Sendable {
    public var entries: [Double]
    public init(_ entries: [Double]) {
        precondition(entries.count == 9, "Matrix3 has 9 entries")
        self.entries = entries
    }
    public static let identity = Matrix3([1, 0, 0, 0, 1, 0, 0, 0, 1])
    public static func scale(_ sx: Double, _ sy: Double) -> Matrix3 { Matrix3([sx, 0, 0, 0, sy, 0, 0, 0, 1]) }
    public static func translation(_ tx: Double, _ ty: Double) -> Matrix3 { Matrix3([1, 0, tx, 0, 1, ty, 0, 0, 1]) }
    /// Rotation by `theta` radians (x towards y).
    public static func rotation(_ theta: Double) -> Matrix3 {
        Matrix3([cos(theta), -sin(theta), 0, sin(theta), cos(theta), 0, 0, 0, 1])
    }
    public static func * (a: Matrix3, b: Matrix3) -> Matrix3 { Matrix3(multiply(a.entries, b.entries, size: 3)) }
}

/// A 4×4 matrix of homogeneous RGB colours (r, g, b, 1), row-major.
public struct Matrix4: Equatable, Sendable {
    public var entries: [Double]
    public init(_ entries: [Double]) {
        precondition(entries.count == 16, "Matrix4 has 16 entries")
        self.entries = entries
    }
    public static let identity = Matrix4([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1])
    /// The luma axis (1, 1, 1)/√3.
    static let luma = [Double](repeating: 1 / 3.0.squareRoot(), count: 3)
    /// Adds `value` to each channel.
    public static func translation(_ value: Double) -> Matrix4 { Matrix4([1, 0, 0, value, 0, 1, 0, value, 0, 0, 1, value, 0, 0, 0, 1]) }
    /// Multiplies each channel by `value`.
    public static func scale(_ value: Double) -> Matrix4 { Matrix4([value, 0, 0, 0, 0, value, 0, 0, 0, 0, value, 0, 0, 0, 0, 1]) }
    /// I − 2·flip·vvᵀ for the luma axis v: the Householder reflection when `flip` is 1.
    public static func lumaReflection(_ flip: Double) -> Matrix4 {
        lumaMatrix { r, c in (r == c ? 1 : 0) - 2 * flip * luma[r] * luma[c] }
    }
    /// Rotation by `theta` radians about the luma axis (a hue rotation).
    public static func lumaRotation(_ theta: Double) -> Matrix4 {
        let (s, co) = (sin(theta), cos(theta))
        let v = luma
        let cross = [[0, -v[2], v[1]], [v[2], 0, -v[0]], [-v[1], v[0], 0]]
        return lumaMatrix { r, c in v[r] * v[c] * (1 - co) + (r == c ? co : 0) + cross[r][c] * s }
    }
    /// vvᵀ + (I − vvᵀ)·s: scales the distance from the grey axis by `s`.
    public static func saturation(_ s: Double) -> Matrix4 {
        lumaMatrix { r, c in luma[r] * luma[c] + ((r == c ? 1 : 0) - luma[r] * luma[c]) * s }
    }
    /// The 4×4 matrix with `entry(r, c)` in its RGB block and the identity's last row and column.
    private static func lumaMatrix(_ entry: (Int, Int) -> Double) -> Matrix4 {
        var m = identity
        for r in 0..<3 { for c in 0..<3 { m.entries[r * 4 + c] = entry(r, c) } }
        return m
    }
    public static func * (a: Matrix4, b: Matrix4) -> Matrix4 { Matrix4(multiply(a.entries, b.entries, size: 4)) }
}

/// The product of two row-major `size`×`size` matrices.
private func multiply(_ a: [Double], _ b: [Double], size: Int) -> [Double] {
    var out = [Double](repeating: 0, count: size * size)
    for r in 0..<size {
        for c in 0..<size {
            var sum = 0.0
            for k in 0..<size { sum += a[r * size + k] * b[k * size + c] }
            out[r * size + c] = sum
        }
    }
    return out
}
