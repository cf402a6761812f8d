import Foundation

/// The classic GAN debugging table applied to a run's log: what went wrong, the log lines that
/// show it, and the settings that usually cure it.
///
/// ```swift
/// let findings = try RunDoctor.examine(run: "runs/mnist")
/// for f in findings { print(f.condition.title, f.evidence, f.remedies) }
/// ```
///
/// The thresholds depend on the loss: the BCE losses' D loss sums two terms, so at equilibrium
/// (D outputs 1/2 everywhere) it is 2·log 2; least squares has its own; hinge and Wasserstein
/// losses have none, so the checks that need one are skipped for them. Each check compares the
/// last quarter of the log with its first quarter (medians, so single noisy batches do not
/// decide), and a log shorter than eight records is too short to judge.
public enum RunDoctor {
    /// One logged step.
    public struct Record: Sendable {
        public var step: Int
        public var lossD: Float
        public var lossG: Float
        public var gradientNormD: Float?
        public var gradientNormG: Float?
        /// The mean pairwise distance of the step's samples (SwiftGAN's `diversity`).
        public var diversity: Float?

        public init(step: Int, lossD: Float, lossG: Float, gradientNormD: Float? = nil, gradientNormG: Float? = nil,
                    diversity: Float? = nil) {
            (self.step, self.lossD, self.lossG) = (step, lossD, lossG)
            (self.gradientNormD, self.gradientNormG, self.diversity) = (gradientNormD, gradientNormG, diversity)
        }

        var isFinite: Bool {
            lossD.isFinite && lossG.isFinite && (gradientNormD?.isFinite ?? true) && (gradientNormG?.isFinite ?? true)
                && (diversity?.isFinite ?? true)
        }

        /// The record as a log line for evidence.
        var line: String {
            var parts = ["loss_d \(format(lossD))", "loss_g \(format(lossG))"]
            if let gradientNormD { parts.append("grad_norm_d \(format(gradientNormD))") }
            if let gradientNormG { parts.append("grad_norm_g \(format(gradientNormG))") }
            if let diversity { parts.append("diversity \(format(diversity))") }
            return "step \(step): " + parts.joined(separator: ", ")
        }
    }

    /// Fewer loss records than this are too few to judge trends from (NaN is still found).
    public static let minimumRecords = 8

    public enum Condition: String, Sendable, CaseIterable {
        case numericalFailure = "numerical-failure"
        case discriminatorTooStrong = "discriminator-too-strong"
        case modeCollapse = "mode-collapse"
        case collapse
        case instability
        case vanishingGradients = "vanishing-gradients"

        public var title: String {
            switch self {
            case .numericalFailure: "numerical failure (NaN or infinity)"
            case .discriminatorTooStrong: "the discriminator is too strong"
            case .modeCollapse: "mode collapse"
            case .collapse: "collapse: the samples are all alike"
            case .instability: "instability"
            case .vanishingGradients: "vanishing gradients"
            }
        }

        public var remedies: [String] {
            switch self {
            case .numericalFailure:
                ["lower both learning rates (--lr-d, --lr-g)",
                 "bound D's gradients: --spectral-norm or --gradient-penalty 10 (or --loss wgan-gp)"]
            case .discriminatorTooStrong:
                ["lower D's learning rate (--lr-d) or train it less (--d-steps 1)",
                 "instance noise (--instance-noise 0.1) or one-sided label smoothing (--label-smoothing 0.1)"]
            case .modeCollapse:
                ["minibatch discrimination (--minibatch-discrimination 16, or --minibatch-stddev)",
                 "unrolled discriminator steps (--unrolled 5)"]
            case .collapse:
                ["minibatch discrimination (--minibatch-discrimination 16, or --minibatch-stddev)",
                 "restart from an earlier checkpoint with a lower learning rate"]
            case .instability:
                ["lower the learning rates (--lr-d, --lr-g) or beta1 (--beta1 0.0 with --loss hinge)",
                 "a gradient penalty (--gradient-penalty 10, --r1 10) or --spectral-norm"]
            case .vanishingGradients:
                ["the non-saturating loss (--loss ns) instead of the saturating one",
                 "a Wasserstein loss with gradient penalty (--loss wgan-gp)"]
            }
        }
    }

    /// An alarm the run raised while training (a `TrainingAlarms` record in its log).
    public struct LoggedAlarm: Sendable {
        public let step: Int
        public let kind: String
        public let evidence: String

        public init(step: Int, kind: String, evidence: String) {
            (self.step, self.kind, self.evidence) = (step, kind, evidence)
        }

        /// The condition the alarm reports.
        var condition: Condition? {
            switch TrainingAlarms.Kind(rawValue: kind) {
            case .modeCollapse: .modeCollapse
            case .discriminatorWins: .discriminatorTooStrong
            case .divergence: .instability
            case .nonFinite: .numericalFailure
            case nil: nil
            }
        }
    }

    /// A diagnosis: the condition, the numbers that show it and the log lines behind them.
    public struct Finding: Sendable {
        public let condition: Condition
        public let evidence: [String]
        public var remedies: [String] { condition.remedies }
    }

    /// D's loss at equilibrium (D's output carries no information), or nil for losses without one.
    public static func equilibrium(of loss: GANLoss) -> Float? {
        switch loss {
        case .saturating, .nonSaturating, .ragan: 2 * Float(M_LN2)
        case .lsgan: 0.25
        case .ralsgan: 2
        case .wgan, .wganGP, .hinge: nil
        }
    }

    /// Reads `run`'s config.json (for the loss) and log.jsonl, and diagnoses it.
    public static func examine(run: String) throws -> (loss: GANLoss, records: [Record], findings: [Finding]) {
        let (loss, records, alarms) = try read(run: run)
        return (loss, records, diagnose(records, loss: loss, alarms: alarms))
    }

    /// A run's loss (from config.json; `ns` when it does not say), its loss records and alarms.
    public static func read(run: String) throws -> (loss: GANLoss, records: [Record], alarms: [LoggedAlarm]) {
        let configPath = run + "/config.json", logPath = run + "/log.jsonl"
        guard FileManager.default.fileExists(atPath: logPath) else {
            throw ConfigError("\(run): no log.jsonl (not a SwiftGAN run directory?)")
        }
        var loss = GANLoss.nonSaturating
        if let data = FileManager.default.contents(atPath: configPath) {
            guard let config = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw ConfigError("\(configPath): not a JSON object")
            }
            if let model = config["model"] as? String, let family = try? ModelRegistry.family(named: model), !family.isAdversarial {
                throw ConfigError("\(run): model \(model) is not adversarial; the doctor's table reads a discriminator's loss, which this run has not")
            }
            if let name = config["loss"] as? String {
                guard let parsed = GANLoss(rawValue: name) else { throw ConfigError("\(configPath): unknown loss '\(name)'") }
                loss = parsed
            }
        }
        let (records, alarms) = try readLog(logPath)
        guard !records.isEmpty else { throw ConfigError("\(logPath): no records with loss_d and loss_g to examine") }
        return (loss, records, alarms)
    }

    /// The loss records and alarms of a log.jsonl; null (a non-finite value as the log writes it)
    /// reads as NaN.
    public static func readLog(_ path: String) throws -> (records: [Record], alarms: [LoggedAlarm]) {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw ConfigError("\(path): cannot read the log") }
        var records: [Record] = []
        var alarms: [LoggedAlarm] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw ConfigError("\(path): line \(number + 1) is not a JSON object")
            }
            func value(_ key: String) -> Float? {
                guard object.keys.contains(key) else { return nil }
                return (object[key] as? NSNumber)?.floatValue ?? .nan
            }
            if let kind = object["alarm"] as? String, let step = object["step"] as? Int {
                alarms.append(LoggedAlarm(step: step, kind: kind, evidence: object["evidence"] as? String ?? ""))
                continue
            }
            guard let step = object["step"] as? Int, let lossD = value("loss_d"), let lossG = value("loss_g") else { continue }
            records.append(Record(step: step, lossD: lossD, lossG: lossG, gradientNormD: value("grad_norm_d"),
                                  gradientNormG: value("grad_norm_g"), diversity: value("diversity")))
        }
        return (records, alarms)
    }

    /// The findings for `records` of a run trained with `loss`, and for the alarms it raised
    /// while training (which know what the log does not, such as the real data's diversity);
    /// empty when the run looks healthy.
    public static func diagnose(_ records: [Record], loss: GANLoss, alarms: [LoggedAlarm] = []) -> [Finding] {
        var findings = diagnoseLog(records, loss: loss)
        func related(_ a: Condition, _ b: Condition) -> Bool {
            a == b || Set([a, b]) == [.modeCollapse, .collapse]
        }
        for alarm in alarms {
            guard let condition = alarm.condition else { continue }
            let line = "alarm at step \(alarm.step) during training: \(alarm.evidence)"
            if let i = findings.firstIndex(where: { related($0.condition, condition) }) {
                if findings[i].evidence.filter({ $0.hasPrefix("alarm at step") }).count < 3 {
                    findings[i] = Finding(condition: findings[i].condition, evidence: findings[i].evidence + [line])
                }
            } else {
                findings.append(Finding(condition: condition, evidence: [line]))
            }
        }
        return findings
    }

    private static func diagnoseLog(_ records: [Record], loss: GANLoss) -> [Finding] {
        if let bad = records.firstIndex(where: { !$0.isFinite }) {
            let lines = records[max(0, bad - 1)...bad].map(\.line)
            return [Finding(condition: .numericalFailure, evidence: ["the first non-finite value is at step \(records[bad].step)"] + lines)]
        }
        guard records.count >= minimumRecords else { return [] }
        let quarter = records.count / 4
        let early = Array(records.prefix(quarter)), late = Array(records.suffix(quarter))
        let half = Array(records.suffix(records.count / 2))
        let eq = equilibrium(of: loss)
        var findings: [Finding] = []
        func span(_ part: [Record]) -> String { "steps \(part.first!.step)–\(part.last!.step)" }

        // D too strong: D's loss near its floor (BCE-type: a tenth of the equilibrium; hinge: a
        // tenth of the 2 it starts from) while G's loss grows.
        let floor = eq.map { $0 * 0.1 } ?? (loss == .hinge ? 0.2 : nil)
        let (dEarly, dLate) = (median(early.map(\.lossD)), median(late.map(\.lossD)))
        let (gEarly, gLate) = (median(early.map(\.lossG)), median(late.map(\.lossG)))
        let gHigh = loss == .nonSaturating && median(half.map(\.lossG)) > 2
        if let floor, dLate < floor, gLate > gEarly + 0.5 * max(abs(gEarly), 1) || gHigh {
            findings.append(Finding(condition: .discriminatorTooStrong, evidence: [
                "D loss went from \(format(dEarly)) (\(span(early))) to \(format(dLate)) (\(span(late))), under \(format(floor))"
                    + (eq.map { ", a tenth of its equilibrium \(format($0))" } ?? ""),
                gHigh ? "G loss stays high: median \(format(median(half.map(\.lossG)))) over \(span(half)) (D(G(z)) under e⁻² ≈ 0.14)"
                      : "G loss rose from \(format(gEarly)) to \(format(gLate))",
                late.last!.line]))
        }

        // Diversity: all alike (under a tenth of its peak), or falling by half while D's loss
        // sits near its equilibrium (G fools D with a few modes).
        let diversities = records.compactMap(\.diversity)
        if diversities.count == records.count, let peak = diversities.dropFirst(quarter / 2).max(), peak > 0 {
            let dLateDiversity = median(late.compactMap(\.diversity))
            if dLateDiversity < 0.1 * peak {
                findings.append(Finding(condition: .collapse, evidence: [
                    "sample diversity fell to \(format(dLateDiversity)) (\(span(late))), under a tenth of its peak \(format(peak))",
                    late.last!.line]))
            } else if let eq, dLateDiversity < 0.5 * peak, abs(dLate - eq) < 0.25 * eq {
                findings.append(Finding(condition: .modeCollapse, evidence: [
                    "sample diversity fell to \(format(dLateDiversity)) (\(span(late))), under half its peak \(format(peak))",
                    "D loss \(format(dLate)) sits near its equilibrium \(format(eq)): G fools D with fewer modes",
                    late.last!.line]))
            }
        }

        // Instability: both losses swing over more than their own level, over the second half.
        func swing(_ values: [Float]) -> Float {
            let sorted = values.sorted()
            let range = sorted[sorted.count * 9 / 10] - sorted[sorted.count / 10]
            return range / max(abs(median(values)), eq ?? 1)
        }
        let (swingD, swingG) = (swing(half.map(\.lossD)), swing(half.map(\.lossG)))
        if swingD > 1.5 && swingG > 1.5 {
            let extreme = half.max { abs($0.lossD - dLate) < abs($1.lossD - dLate) }!
            findings.append(Finding(condition: .instability, evidence: [
                "over \(span(half)) the middle 80% of D's loss spans \(format(swingD))× its level, G's \(format(swingG))×",
                extreme.line]))
        }

        // Vanishing gradients: G's gradient norm under 1% of its early level, or the saturating
        // loss log(1 - D(G(z))) stuck at its top, 0: D(G(z)) under 1% on every late step. (The
        // non-saturating loss grows instead when D wins, and keeps its gradient: that is D too
        // strong, above.)
        let norms = records.compactMap(\.gradientNormG)
        let normEarly = norms.count == records.count ? median(early.compactMap(\.gradientNormG)) : nil
        let normLate = norms.count == records.count ? median(late.compactMap(\.gradientNormG)) : nil
        let stuckHigh = loss == .saturating && late.allSatisfy { $0.lossG > -0.01 }
        if let normEarly, let normLate, normEarly > 0, normLate < 0.01 * normEarly {
            findings.append(Finding(condition: .vanishingGradients, evidence: [
                "G's gradient norm fell from \(format(normEarly)) (\(span(early))) to \(format(normLate)) (\(span(late))), under 1%",
                late.last!.line]))
        } else if stuckHigh {
            findings.append(Finding(condition: .vanishingGradients, evidence: [
                "G's loss log(1 − D(G(z))) stays above −0.01 over \(span(late)) (D(G(z)) < 1%): its gradient vanishes", late.last!.line]))
        }
        return findings
    }

    private static func median(_ values: [Float]) -> Float {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}

private func format(_ value: Float) -> String {
    if !value.isFinite { return value.isNaN ? "NaN" : (value > 0 ? "inf" : "-inf") }
    return abs(value) >= 100 || value == value.rounded() ? String(format: "%.0f", value)
        : abs(value) >= 1 ? String(format: "%.2f", value) : String(format: "%.3g", value)
}
