import Foundation
import SwiftGANEngine

/// A scatter plot of 2-D point sets as a PNG: each set in its own colour on a white square,
/// with faint axes through the origin.
public enum ScatterPlot {
    public struct Series {
        public let points: [(Float, Float)]
        public let color: (UInt8, UInt8, UInt8)
        public init(points: [(Float, Float)], color: (UInt8, UInt8, UInt8)) {
            self.points = points
            self.color = color
        }

        /// The first `limit` rows of an [n, 2] tensor.
        public init(points t: Tensor, limit: Int = .max, color: (UInt8, UInt8, UInt8)) {
            precondition(t.rank == 2 && t.shape[1] == 2, "scatter points must be [n, 2], got \(t.shape)")
            let v = t.scalars
            self.init(points: (0..<min(limit, t.shape[0])).map { (v[2 * $0], v[2 * $0 + 1]) }, color: color)
        }
    }

    /// Plots `series` (later ones on top) over the square [-extent, extent]².
    public static func png(_ series: [Series], extent: Float, size: Int = 400) -> Data {
        var pixels = [UInt8](repeating: 255, count: size * size * 3)
        func set(_ x: Int, _ y: Int, _ c: (UInt8, UInt8, UInt8)) {
            guard x >= 0, x < size, y >= 0, y < size else { return }
            let i = (y * size + x) * 3
            pixels[i] = c.0; pixels[i + 1] = c.1; pixels[i + 2] = c.2
        }
        for t in 0..<size { set(t, size / 2, (220, 220, 220)); set(size / 2, t, (220, 220, 220)) }
        for s in series {
            for (px, py) in s.points where px.isFinite && py.isFinite {
                let x = Int(((px + extent) / (2 * extent) * Float(size - 1)).rounded())
                let y = Int(((extent - py) / (2 * extent) * Float(size - 1)).rounded())
                for dy in -1...1 { for dx in -1...1 { set(x + dx, y + dy, s.color) } }
            }
        }
        return PNG.encode(width: size, height: size, color: .rgb, pixels: pixels)
    }
}
