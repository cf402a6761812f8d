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
        render(series, extent: extent, size: size).png
    }

    /// Plots `series` like `png`, and counts the points left out because a coordinate is NaN or
    /// infinite (points that are finite but off the square are clipped, not counted). An extent
    /// that is not a positive finite number is replaced by the largest finite coordinate
    /// (at least 1), so the plot still shows what can be shown.
    public static func render(_ series: [Series], extent: Float, size: Int = 400) -> (png: Data, skipped: Int) {
        var extent = extent
        if !(extent.isFinite && extent > 0) {
            let largest = series.flatMap { $0.points.flatMap { [$0.0, $0.1] } }.filter(\.isFinite).map(Swift.abs).max() ?? 1
            extent = Swift.max(largest, 1) * 1.1
        }
        var pixels = [UInt8](repeating: 255, count: size * size * 3)
        func set(_ x: Int, _ y: Int, _ c: (UInt8, UInt8, UInt8)) {
            guard x >= 0, x < size, y >= 0, y < size else { return }
            let i = (y * size + x) * 3
            pixels[i] = c.0; pixels[i + 1] = c.1; pixels[i + 2] = c.2
        }
        for t in 0..<size { set(t, size / 2, (220, 220, 220)); set(size / 2, t, (220, 220, 220)) }
        var skipped = 0
        for s in series {
            for (px, py) in s.points {
                guard px.isFinite && py.isFinite else { skipped += 1; continue }
                // Points more than a pixel off the canvas are not drawn, and never converted to
                // Int (a huge coordinate would overflow it).
                let fx = (px + extent) / (2 * extent) * Float(size - 1)
                let fy = (extent - py) / (2 * extent) * Float(size - 1)
                guard fx > -2, fx < Float(size + 1), fy > -2, fy < Float(size + 1) else { continue }
                let x = Int(fx.rounded()), y = Int(fy.rounded())
                for dy in -1...1 { for dx in -1...1 { set(x + dx, y + dy, s.color) } }
            }
        }
        return (PNG.encode(width: size, height: size, color: .rgb, pixels: pixels), skipped)
    }
}
