import Foundation

/// Measures a run's generator while it trains (`--eval-every N`): FID, precision and recall by
/// an evaluator network, every N steps and at the end. The evaluation layer provides the
/// measurement (`EvaluatorMonitor`); `TrainingRun` logs each measurement as one `log.jsonl`
/// record (`"eval": 1` with the figures by name), plots them in the run report and opens the
/// report with the last ones.
///
/// A measurement must leave the training state alone (its own random stream, models in
/// evaluation mode), so that a run with `--eval-every` trains exactly as one without it.
public protocol TrainingMonitor: AnyObject {
    /// What the figures are measured against, for the report ("fashion-mnist test, 2,000 images").
    var description: String { get }
    /// The figures by name (`fid`, `precision`, `recall`) for the recipe's current generator.
    func measure(_ recipe: any GANRecipe, data: TrainingData, step: Int) throws -> [String: Double]
}

/// The measurements of a run so far, read back from its log (for a resumed run's report).
public struct MeasurementHistory {
    public var steps: [Int] = []
    public var figures: [[String: Double]] = []

    public init() {}

    /// The `"eval"` records among a log's records (`JSONLinesLog.records`).
    public init(records: [[String: Any]]) {
        for o in records {
            guard o["eval"] != nil, let step = o["step"] as? Int else { continue }
            var values: [String: Double] = [:]
            for (key, value) in o where key != "step" && key != "eval" { if let v = (value as? NSNumber)?.doubleValue { values[key] = v } }
            append(step: step, values)
        }
    }

    public mutating func append(step: Int, _ values: [String: Double]) {
        steps.append(step)
        figures.append(values)
    }

    /// The series of one figure, as (step, value) points.
    public func series(_ name: String) -> [(Double, Double)] {
        zip(steps, figures).compactMap { step, values in values[name].map { (Double(step), $0) } }
    }
}
