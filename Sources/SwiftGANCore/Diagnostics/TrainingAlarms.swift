import Foundation
/// Watches the diagnostics of a run and raises alarms with their evidence: mode collapse,
/// a discriminator that overpowers the generator, divergence, and non-finite values.
public struct TrainingAlarms: Codable, Sendable {
    public enum Kind: String, Codable, Sendable { case modeCollapse = "mode-collapse", discriminatorWins = "discriminator-wins", divergence, nonFinite = "non-finite" }

    public struct Alarm: Codable, Sendable, CustomStringConvertible {
        public let kind: Kind
        public let step: Int
        public let evidence: String
        public var description: String { "warning: \(kind.rawValue) at step \(step): \(evidence)" }
    }

    /// Diversity below this share of the real data's is collapse...
    public var collapseRatioToReal: Float = 0.25
    /// ...and so is a fall below this share of its own running level.
    public var collapseRatioToLevel: Float = 0.5
    /// No collapse or D-wins alarms before this step: at initialization every generator's
    /// output is nearly constant and every discriminator wins.
    public var warmupSteps = 1000
    /// D's loss below this (BCE-type losses) with G's gradient norm below `vanishingRatio` of its
    /// early level means D has won.
    public var discriminatorLossFloor: Float = 0.05
    public var vanishingRatio: Float = 0.01
    /// A loss or gradient norm this many times its running median is divergence. Before five
    /// values are logged there is no median yet, and the first logged value stands in for it,
    /// taken as at least 1 (losses and norms that start near 0, as WGAN's do, may grow a
    /// hundredfold in healthy early training; a blow-up passes 100 anyway).
    public var divergenceFactor: Float = 100

    /// The real data's diversity at the same batch size, when known.
    public var realDiversity: Float?
    private(set) var diversityLevel: Float?
    private(set) var earlyGradientNormG: Float?
    private(set) var recentLosses: [Float] = []
    private(set) var recentNorms: [Float] = []
    /// Alarms raised so far, each kind at most once every `cooldown` steps.
    public private(set) var raised: [Alarm] = []
    public var cooldown = 1000

    public init(realDiversity: Float? = nil, warmupSteps: Int = 1000) {
        self.realDiversity = realDiversity
        self.warmupSteps = warmupSteps
    }

    /// Checks one logged step and returns the alarms it raises.
    public mutating func check(step: Int, stats: StepStatistics, diversity: Float?, bceLoss: Bool) -> [Alarm] {
        var alarms: [Alarm] = []
        func raise(_ kind: Kind, _ evidence: String) {
            if let last = raised.last(where: { $0.kind == kind }), step - last.step < cooldown { return }
            let alarm = Alarm(kind: kind, step: step, evidence: evidence)
            raised.append(alarm)
            alarms.append(alarm)
        }
        guard stats.isFinite && (diversity?.isFinite ?? true) else {
            raise(.nonFinite, "D loss \(stats.lossD), G loss \(stats.lossG), gradient norms D \(stats.gradientNormD ?? 0), G \(stats.gradientNormG ?? 0)")
            return alarms
        }
        let warmedUp = step >= warmupSteps
        if let diversity {
            if warmedUp, let real = realDiversity, diversity < collapseRatioToReal * real {
                raise(.modeCollapse, "fixed-z panel diversity \(format(diversity)) is below \(format(collapseRatioToReal)) × the real data's \(format(real))")
            } else if warmedUp, let level = diversityLevel, diversity < collapseRatioToLevel * level {
                raise(.modeCollapse, "fixed-z panel diversity fell to \(format(diversity)) from a running level of \(format(level))")
            }
            diversityLevel = diversityLevel.map { 0.9 * $0 + 0.1 * diversity } ?? diversity
        }
        if let normG = stats.gradientNormG {
            if earlyGradientNormG == nil { earlyGradientNormG = normG }
            if warmedUp, bceLoss, stats.lossD < discriminatorLossFloor, let early = earlyGradientNormG, normG < vanishingRatio * early {
                raise(.discriminatorWins, "D loss \(format(stats.lossD)) and G's gradient norm \(format(normG)) vanished from \(format(early))")
            }
            if let median = Self.median(recentNorms), recentNorms.count >= 5, normG > divergenceFactor * median {
                raise(.divergence, "G's gradient norm \(format(normG)) is over \(Int(divergenceFactor))× its running median \(format(median))")
            } else if let first = recentNorms.first, recentNorms.count < 5, normG > divergenceFactor * max(first, 1) {
                raise(.divergence, "G's gradient norm \(format(normG)) is over \(Int(divergenceFactor))× its first logged value \(format(first)) (taken as at least 1)")
            }
            recentNorms = Array((recentNorms + [normG]).suffix(20))
        }
        let loss = abs(stats.lossD) + abs(stats.lossG)
        if let median = Self.median(recentLosses), recentLosses.count >= 5, loss > divergenceFactor * max(median, 1e-3) {
            raise(.divergence, "|D loss| + |G loss| = \(format(loss)) is over \(Int(divergenceFactor))× its running median \(format(median))")
        } else if let first = recentLosses.first, recentLosses.count < 5, loss > divergenceFactor * max(first, 1) {
            raise(.divergence, "|D loss| + |G loss| = \(format(loss)) is over \(Int(divergenceFactor))× its first logged value \(format(first)) (taken as at least 1)")
        }
        recentLosses = Array((recentLosses + [loss]).suffix(20))
        return alarms
    }

    static func median(_ values: [Float]) -> Float? {
        values.isEmpty ? nil : values.sorted()[values.count / 2]
    }

    private func format(_ v: Float) -> String { String(format: "%.4g", Double(v)) }
}
