import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

/// `RunDoctor` on planted logs: each condition of the debugging table found alone where it was
/// planted, nothing in a healthy run, and the loss-dependent equilibria.
@Suite struct RunDoctorTests {
    func conditions(_ kind: PlantedRuns.Kind) -> [RunDoctor.Condition] {
        RunDoctor.diagnose(PlantedRuns.records(kind), loss: PlantedRuns.loss(kind)).map(\.condition)
    }

    @Test func classifiesThePlantedRuns() {
        #expect(conditions(.healthy) == [])
        #expect(conditions(.modeCollapse) == [.modeCollapse])
        #expect(conditions(.allAlike) == [.collapse])
        #expect(conditions(.discriminatorWins) == [.discriminatorTooStrong])
        #expect(conditions(.nan) == [.numericalFailure])
        #expect(conditions(.unstable) == [.instability])
        #expect(conditions(.vanishing).contains(.vanishingGradients))
    }

    @Test func evidenceNamesStepsAndNumbers() throws {
        let findings = RunDoctor.diagnose(PlantedRuns.records(.nan), loss: .nonSaturating)
        let finding = try #require(findings.first)
        #expect(finding.evidence[0] == "the first non-finite value is at step 2000")
        #expect(finding.evidence.last!.hasPrefix("step 2000: loss_d NaN"))
        #expect(finding.remedies.contains { $0.contains("--lr-d") })
    }

    @Test func modeCollapseNeedsAnEquilibrium() {
        // Hinge and Wasserstein losses have no equilibrium, so a halved diversity alone is not
        // called mode collapse under them.
        #expect(RunDoctor.diagnose(PlantedRuns.records(.modeCollapse), loss: .hinge).map(\.condition) == [])
        #expect(RunDoctor.equilibrium(of: .nonSaturating)! == 2 * Float(M_LN2))
        #expect(RunDoctor.equilibrium(of: .wganGP) == nil)
    }

    @Test func aShortLogIsNotJudged() {
        #expect(RunDoctor.diagnose(Array(PlantedRuns.records(.discriminatorWins).suffix(7)), loss: .nonSaturating).isEmpty)
    }
}

extension RunDoctorTests {
    @Test func saturatingLossStuckAtItsTopIsVanishing() {
        var records = PlantedRuns.records(.healthy)
        for i in records.indices where i >= records.count / 2 { records[i].lossG = -0.001 }
        #expect(RunDoctor.diagnose(records, loss: .saturating).map(\.condition) == [.vanishingGradients])
        #expect(RunDoctor.diagnose(records, loss: .nonSaturating).map(\.condition) == [])
    }
}

extension RunDoctorTests {
    @Test func aDiscriminatorThatWinsFromTheStartIsFound() {
        var records = PlantedRuns.records(.healthy)
        for i in records.indices { records[i].lossD = 0.01 + 0.001 * Float(i % 3); records[i].lossG = 6 + Float(i % 5) }
        #expect(RunDoctor.diagnose(records, loss: .nonSaturating).map(\.condition) == [.discriminatorTooStrong])
    }

    @Test func alarmsRaisedDuringTrainingAreFindingsToo() throws {
        let dir = try Fixtures.temporaryDirectory() + "/run"
        try PlantedRuns.write(.healthy, to: dir)
        let log = try JSONLinesLog(path: dir + "/log.jsonl", keepingStepsUpTo: 10_000)
        try log.append(["step": .number(1000), "alarm": .text("mode-collapse"),
                        "evidence": .text("fixed-z panel diversity 3.454 is below 0.25 × the real data's 19.81")])
        let (_, records, findings) = try RunDoctor.examine(run: dir)
        #expect(records.count == 60, "the alarm is not a loss record")
        #expect(findings.map(\.condition) == [.modeCollapse])
        #expect(findings.first?.evidence == ["alarm at step 1000 during training: fixed-z panel diversity 3.454 is below 0.25 × the real data's 19.81"])
    }
}
