import Foundation
import SwiftGANData
import SwiftGANEngine

/// An invisible, keyed spread-spectrum watermark. A key names a 16×16 pattern of ±1 (from its
/// SHA-256); embedding adds it, tiled, at ±3 gray levels to every channel. Detection high-passes
/// the image (each pixel minus its 3×3 mean, limited to ±2 levels so strong edges do not drown
/// the mark), folds the residual onto the 16×16 tile at each of the 256 alignments (so crops
/// are found), and scores the normalized correlation with the key's pattern.
///
/// For an image made without the key the pattern is independent of the image, so each
/// alignment's score is a weighted sum of independent random signs: P(score ≥ t) ≤ exp(−t²/2)
/// (Hoeffding), and over the 256 alignments at most 256·exp(−t²/2) — 6.9·10⁻⁵ at the threshold
/// of 5.5, whatever the image.
public struct Watermark: Sendable {
    /// What a marked image's provenance names (never the key).
    public static let scheme = "swiftgan-spread-spectrum-v1 (16x16 tile, strength 3; detect with swiftgan provenance --detect KEY)"
    public static let tile = 16
    /// The embedding amplitude, in gray levels.
    public static let strength: Float = 3
    /// The detection threshold on the score.
    public static let threshold = 5.5
    static let limit: Float = 2

    /// The bound on the false-positive rate at `threshold`, for any image made without the key.
    public static var falsePositiveBound: Double { Double(tile * tile) * Foundation.exp(-threshold * threshold / 2) }

    let pattern: [Float]

    public init(key: String) {
        var hash = SHA256()
        hash.update(Data(("swiftgan-watermark-v1:" + key).utf8))
        let seed = hash.finalize().prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        var rng = RandomGenerator(seed: seed)
        pattern = rng.uniform([Self.tile * Self.tile]).scalars.map { $0 < 0.5 ? -1 : 1 }
    }

    /// Adds the pattern to 8-bit `pixels` (row-major, `channels` bytes per pixel).
    public func embed(_ pixels: inout [UInt8], width: Int, height: Int, channels: Int) {
        precondition(pixels.count == width * height * channels, "pixel count does not match the size")
        for y in 0..<height {
            for x in 0..<width {
                let delta = Self.strength * pattern[(y % Self.tile) * Self.tile + x % Self.tile]
                for c in 0..<channels {
                    let i = (y * width + x) * channels + c
                    pixels[i] = UInt8(max(0, min(255, (Float(pixels[i]) + delta).rounded())))
                }
            }
        }
    }

    /// The detection score: the best normalized correlation over the 256 alignments.
    public func score(_ pixels: [UInt8], width: Int, height: Int, channels: Int) -> Double {
        precondition(pixels.count == width * height * channels, "pixel count does not match the size")
        guard width > 0 && height > 0 else { return 0 }
        var gray = [Float](repeating: 0, count: width * height)
        for i in 0..<(width * height) {
            var sum: Float = 0
            for c in 0..<channels { sum += Float(pixels[i * channels + c]) }
            gray[i] = sum / Float(channels)
        }
        let t = Self.tile
        var folded = [Double](repeating: 0, count: t * t)
        for y in 0..<height {
            for x in 0..<width {
                var mean: Float = 0
                for dy in -1...1 {
                    for dx in -1...1 {
                        mean += gray[min(height - 1, max(0, y + dy)) * width + min(width - 1, max(0, x + dx))]
                    }
                }
                let residual = max(-Self.limit, min(Self.limit, gray[y * width + x] - mean / 9))
                folded[(y % t) * t + x % t] += Double(residual)
            }
        }
        let norm = folded.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard norm > 0 else { return 0 }
        var best = -Double.infinity
        for oy in 0..<t {
            for ox in 0..<t {
                var dot = 0.0
                for a in 0..<t {
                    for b in 0..<t { dot += Double(pattern[a * t + b]) * folded[((a + oy) % t) * t + (b + ox) % t] }
                }
                best = max(best, dot / norm)
            }
        }
        return best
    }

    /// Whether the image carries this key's mark.
    public func detect(_ pixels: [UInt8], width: Int, height: Int, channels: Int) -> Bool {
        score(pixels, width: width, height: height, channels: channels) >= Self.threshold
    }
}
