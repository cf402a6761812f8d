import Foundation

/// The practice lab's self-contained HTML page: a summary table of every experiment's verdict,
/// then each experiment with its claim, numbers, conclusion, the rule that decided it, its
/// plots (inline SVG), tables and sample grids (PNG, embedded, shown at 3× with nearest
/// neighbour).
public enum PracticeReport {
    public static func html(results: [ExperimentResult], budget: PracticeBudget, seeds: Int, command: String) -> String {
        let summary = results.map { r in
            "<tr><td><a href=\"#exp-\(r.id)\">\(escape(r.id))</a></td><td>\(escape(r.title))</td><td>\(escape(r.claim))</td>"
                + "<td class=\"\(verdictClass(r))\">\(r.verdict)</td></tr>"
        }.joined(separator: "\n")
        let sections = results.map(section).joined(separator: "\n")
        return """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>SwiftGAN practice lab</title>
        <style>body{font-family:sans-serif;margin:2em;max-width:1150px;line-height:1.4}table{border-collapse:collapse;margin:8px 0}
        th,td{text-align:left;padding:3px 12px 3px 0;border-bottom:1px solid #eee;vertical-align:top}
        .yes{color:#2ca02c;font-weight:bold}.no{color:#d62728;font-weight:bold}.undecided{color:#888;font-weight:bold}figure{display:inline-block;margin:0 16px 12px 0}
        img{image-rendering:pixelated}.plots svg{margin:0 12px 12px 0}code,pre{background:#f6f6f6;padding:2px 4px}
        .rule{color:#555;font-size:90%}section{border-top:2px solid #ddd;margin-top:2em}</style></head>
        <body><h1>SwiftGAN practice lab</h1>
        <p>Budget <b>\(escape(budget.name))</b>, \(seeds) seed\(seeds == 1 ? "" : "s"), MNIST. Last made by <code>\(escape(command))</code>; it shows every experiment run in this directory.
        Each experiment tests a textbook claim; its verdict comes from the numbers by the rule stated with it, never from a picked sample.</p>
        <table><tr><th>#</th><th>experiment</th><th>textbook claim</th><th>verdict</th></tr>
        \(summary)
        </table>
        \(sections)
        <script>
        // Once loaded, the page records how many of its images decoded (a headless browser's check).
        addEventListener("load", () => {
          const images = [...document.images];
          document.body.dataset.imagesLoaded = images.filter(i => i.complete && i.naturalWidth > 0).length + "/" + images.length;
        });
        </script>
        </body></html>
        """
    }

    private static func section(_ r: ExperimentResult) -> String {
        let tables = r.tables.map { t in
            "<table><caption>\(escape(t.caption))</caption><tr>" + t.headers.map { "<th>\(escape($0))</th>" }.joined() + "</tr>"
                + t.rows.map { "<tr>" + $0.map { "<td>\(escape($0))</td>" }.joined() + "</tr>" }.joined(separator: "\n") + "</table>"
        }.joined(separator: "\n")
        let images = r.images.map { image in
            "<figure><img src=\"data:image/png;base64,\(image.png.base64EncodedString())\" alt=\"\(escape(image.caption))\"><figcaption>\(escape(image.caption))</figcaption></figure>"
        }.joined(separator: "\n")
        return """
        <section id="exp-\(escape(r.id))"><h2>\(escape(r.id)). \(escape(r.title))</h2>
        <p><b>Claim:</b> \(escape(r.claim)). <span class="\(verdictClass(r))">Verdict: \(r.verdict).</span></p>
        <p><b>Numbers:</b> \(escape(r.figures)).</p>
        <p><b>Conclusion:</b> \(escape(r.conclusion))</p>
        <p class="rule">Rule: \(escape(r.rule)).</p>
        <div class="plots">\(r.plots.joined(separator: "\n"))</div>
        \(tables)
        \(images)
        </section>
        """
    }

    private static func verdictClass(_ r: ExperimentResult) -> String {
        switch r.agrees {
        case true?: "yes"
        case false?: "no"
        case nil: "undecided"
        }
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
