import Foundation

/// Small statistics the experiments share.
enum Stats {
    static func mean(_ v: [Double]) -> Double { v.isEmpty ? .nan : v.reduce(0, +) / Double(v.count) }

    /// The sample standard deviation (0 for fewer than two values).
    static func std(_ v: [Double]) -> Double {
        guard v.count > 1 else { return 0 }
        let m = mean(v)
        return (v.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(v.count - 1)).squareRoot()
    }

    /// "mean ± std" with `digits` decimals (just the mean for one value).
    static func describe(_ v: [Double], _ digits: Int = 2) -> String {
        let f = "%.\(digits)f"
        return v.count > 1 ? String(format: "\(f) ± \(f)", mean(v), std(v)) : String(format: f, mean(v))
    }

    static func format(_ v: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", v) }
}

/// Colours of the plots' series, one per seed or setting.
let palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]
