import Foundation

/// A small, dependency-free SVG line chart (loss curves and other series over steps).
public struct LinePlot {
    public struct Series {
        public let name: String
        public let points: [(x: Double, y: Double)]
        public let color: String
        public init(name: String, points: [(x: Double, y: Double)], color: String) {
            self.name = name
            self.points = points
            self.color = color
        }
    }

    public var title: String
    public var xLabel: String
    public var series: [Series]
    public var width = 720.0, height = 360.0

    public init(title: String, xLabel: String, series: [Series]) {
        self.title = title
        self.xLabel = xLabel
        self.series = series
    }

    public func svg() -> String {
        let finite = series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite }
        let (left, right, top, bottom) = (60.0, 20.0, 30.0, 40.0)
        let xs = finite.map(\.x), ys = finite.map(\.y)
        let x0 = xs.min() ?? 0, x1 = max(xs.max() ?? 1, x0 + 1e-9)
        let y0 = ys.min() ?? 0, y1 = max(ys.max() ?? 1, y0 + 1e-9)
        func px(_ x: Double) -> Double { left + (x - x0) / (x1 - x0) * (width - left - right) }
        func py(_ y: Double) -> Double { height - bottom - (y - y0) / (y1 - y0) * (height - top - bottom) }
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" font-family=\"sans-serif\" font-size=\"11\">\n"
        out += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        out += "<text x=\"\(width / 2)\" y=\"18\" text-anchor=\"middle\" font-size=\"13\">\(escape(title))</text>\n"
        for i in 0...4 {
            let y = y0 + (y1 - y0) * Double(i) / 4
            out += "<line x1=\"\(left)\" x2=\"\(width - right)\" y1=\"\(py(y))\" y2=\"\(py(y))\" stroke=\"#ddd\"/>"
            out += "<text x=\"\(left - 4)\" y=\"\(py(y) + 4)\" text-anchor=\"end\">\(format(y))</text>\n"
            let x = x0 + (x1 - x0) * Double(i) / 4
            out += "<text x=\"\(px(x))\" y=\"\(height - bottom + 16)\" text-anchor=\"middle\">\(format(x))</text>\n"
        }
        out += "<text x=\"\(width / 2)\" y=\"\(height - 6)\" text-anchor=\"middle\">\(escape(xLabel))</text>\n"
        for (k, s) in series.enumerated() {
            let pts = s.points.filter { $0.x.isFinite && $0.y.isFinite }
                .map { "\(String(format: "%.1f", px($0.x))),\(String(format: "%.1f", py($0.y)))" }.joined(separator: " ")
            out += "<polyline fill=\"none\" stroke=\"\(s.color)\" stroke-width=\"1.2\" points=\"\(pts)\"/>\n"
            out += "<text x=\"\(left + 10 + Double(k) * 110)\" y=\"\(top + 4)\" fill=\"\(s.color)\">\(escape(s.name))</text>\n"
        }
        return out + "</svg>\n"
    }

    private func format(_ v: Double) -> String {
        abs(v) >= 1000 ? String(format: "%.0f", v) : String(format: "%.3g", v)
    }

    private func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
    }
}
