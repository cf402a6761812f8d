import Foundation
import SwiftGAN

/// Logs of the runs `RunDoctor` must tell apart, 60 records 50 steps apart, with seeded noise:
/// a healthy run, mode collapse, samples all alike, a discriminator that wins, a NaN, wild
/// swings, and vanishing gradients under the saturating loss.
public enum PlantedRuns {
    public enum Kind: String, CaseIterable, Sendable {
        case healthy, modeCollapse, allAlike, discriminatorWins, nan, unstable, vanishing
    }

    public static func records(_ kind: Kind) -> [RunDoctor.Record] {
        var rng = RandomGenerator(seed: UInt64(Kind.allCases.firstIndex(of: kind)!) + 1)
        let count = 60
        let noise = rng.normal([count, 4]).scalars
        return (0..<count).map { i in
            let t = Float(i) / Float(count - 1)
            func n(_ k: Int) -> Float { noise[i * 4 + k] }
            let warm = min(1, Float(i) / 5)
            var r = RunDoctor.Record(step: i * 50, lossD: 1.25 + 0.15 * n(0), lossG: 1.0 + 0.3 * n(1),
                                     gradientNormD: 3 + 0.3 * n(2), gradientNormG: 5 + 0.5 * n(3), diversity: 8 + 10 * warm + n(2))
            switch kind {
            case .healthy: break
            case .modeCollapse:
                r.lossD = 1.36 + 0.05 * n(0)
                r.diversity = t < 0.4 ? r.diversity : max(5, 18 - 40 * (t - 0.4)) + 0.3 * n(2)
            case .allAlike:
                r.diversity = t < 0.4 ? r.diversity : max(0.4, 18 - 60 * (t - 0.4)) + 0.05 * abs(n(2))
            case .discriminatorWins:
                r.lossD = max(0.01, 1.2 * (1 - 1.5 * t)) + 0.005 * abs(n(0))
                r.lossG = 1 + 7 * t + 0.2 * n(1)
                r.gradientNormG = 5 - 3 * t + 0.2 * n(3)
            case .nan:
                if i == 40 { r.lossD = .nan }
            case .unstable:
                r.lossD = i % 2 == 0 ? 0.2 + 0.05 * abs(n(0)) : 3 + 0.3 * abs(n(0))
                r.lossG = i % 2 == 0 ? 6 + 0.5 * abs(n(1)) : 0.1 + 0.05 * abs(n(1))
            case .vanishing:
                r.lossD = max(0.02, 1.2 * (1 - 2 * t)) + 0.005 * abs(n(0))
                r.lossG = -0.7 * (1 - t) - 0.001
                r.gradientNormG = t < 0.5 ? 5 + 0.5 * n(3) : 0.01 + 0.001 * abs(n(3))
            }
            return r
        }
    }

    /// The loss each planted run trained with.
    public static func loss(_ kind: Kind) -> GANLoss { kind == .vanishing ? .saturating : .nonSaturating }

    /// Writes a run directory (config.json and log.jsonl, as `swiftgan train` does) for `kind`.
    public static func write(_ kind: Kind, to directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let config = "{\"loss\": \"\(loss(kind).rawValue)\", \"model\": \"dcgan\"}"
        try Data(config.utf8).write(to: URL(fileURLWithPath: directory + "/config.json"))
        let log = try JSONLinesLog(path: directory + "/log.jsonl")
        for r in records(kind) {
            var fields: [String: JSONLinesLog.Value] = ["step": .number(Double(r.step)), "loss_d": .number(Double(r.lossD)),
                                                       "loss_g": .number(Double(r.lossG))]
            if let v = r.gradientNormD { fields["grad_norm_d"] = .number(Double(v)) }
            if let v = r.gradientNormG { fields["grad_norm_g"] = .number(Double(v)) }
            if let v = r.diversity { fields["diversity"] = .number(Double(v)) }
            try log.append(fields)
        }
    }
}
