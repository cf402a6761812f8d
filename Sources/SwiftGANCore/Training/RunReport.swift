import Foundation
import SwiftGANImages

/// The self-contained HTML page of a run: configuration, final figures, loss curve, the
/// figures measured during training (`--eval-every`) and the sample grids, images embedded so
/// the file can be mailed or opened anywhere.
public enum RunReport {
    public static func html(title: String, configJSON: String, summary: [(String, String)],
                            lossCurveSVG: String, measurementSVGs: [String] = [], samples: [(String, Data)]) -> String {
        let measured = measurementSVGs.isEmpty ? "" : "<h2>Measured during training</h2>\n" + measurementSVGs.joined(separator: "\n")
        let rows = summary.map { "<tr><th>\(escape($0.0))</th><td>\(escape($0.1))</td></tr>" }.joined()
        let images = samples.map { name, png in
            "<figure><img src=\"data:image/png;base64,\(png.base64EncodedString())\" alt=\"\(escape(name))\"><figcaption>\(escape(name))</figcaption></figure>"
        }.joined(separator: "\n")
        return """
        <!doctype html>
        <html><head><meta charset="utf-8"><title>\(escape(title))</title>
        <style>body{font-family:sans-serif;margin:2em;max-width:1100px}table{border-collapse:collapse}
        th,td{text-align:left;padding:2px 12px 2px 0}figure{display:inline-block;margin:0 12px 12px 0}
        img{image-rendering:pixelated;width:260px}pre{background:#f6f6f6;padding:8px}</style></head>
        <body><h1>\(escape(title))</h1>
        <table>\(rows)</table>
        <h2>Losses</h2>
        \(lossCurveSVG)
        \(measured)
        <h2>Samples (fixed z)</h2>
        \(images)
        <h2>Configuration</h2><pre>\(escape(configJSON))</pre>
        </body></html>
        """
    }

    private static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
