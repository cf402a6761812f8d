import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

/// `swiftgan doctor RUN` on planted run directories: the diagnosis, its evidence and remedies,
/// the exit status (0 healthy, 2 a finding), --json, and bad runs refused in one line.
@Suite(.serialized) struct DoctorCommandTests {
    let cli = CLITests()

    @Test func diagnosesFourPlantedRuns() throws {
        let root = try Fixtures.temporaryDirectory()
        let expected: [(PlantedRuns.Kind, String?)] = [(.healthy, nil), (.modeCollapse, "mode collapse [mode-collapse]"),
                                                       (.discriminatorWins, "the discriminator is too strong"),
                                                       (.nan, "numerical failure")]
        for (kind, title) in expected {
            let run = root + "/" + kind.rawValue
            try PlantedRuns.write(kind, to: run)
            let result = try cli.swiftgan(["doctor", run])
            if let title {
                #expect(result.status == 2, "\(kind): exit \(result.status) \(result.error)")
                #expect(result.output.contains(title), "\(kind): \(result.output)")
                #expect(result.output.contains("  try: "), "\(kind): remedies")
            } else {
                #expect(result.status == 0, "\(kind): \(result.output) \(result.error)")
                #expect(result.output.contains("no problems found (60 records, steps 0–2950, loss ns)"))
            }
        }
        let json = try cli.swiftgan(["doctor", "--json", root + "/discriminatorWins"])
        #expect(json.status == 2)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
        let findings = try #require(object["findings"] as? [[String: Any]])
        #expect(findings.map { $0["condition"] as? String } == ["discriminator-too-strong"])
    }

    @Test func saysWhenALogIsTooShortToJudge() throws {
        let run = try Fixtures.temporaryDirectory() + "/short"
        try PlantedRuns.write(.discriminatorWins, to: run)
        let lines = try String(contentsOfFile: run + "/log.jsonl", encoding: .utf8).split(separator: "\n").prefix(5)
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: run + "/log.jsonl"))
        let result = try cli.swiftgan(["doctor", run])
        #expect(result.status == 0)
        #expect(result.output.contains("5 loss records are too few to judge"), "\(result.output)")
    }

    @Test func refusesWhatIsNotARun() throws {
        let dir = try Fixtures.temporaryDirectory()
        cli.expectOneLineError(try cli.swiftgan(["doctor", dir + "/missing"]), naming: "missing", "log.jsonl")
        try Data("{\"step\": 0, \"loss_d\": 1, \"loss_g\": 1}\nnot json\n".utf8).write(to: URL(fileURLWithPath: dir + "/log.jsonl"))
        cli.expectOneLineError(try cli.swiftgan(["doctor", dir]), naming: "log.jsonl", "line 2")
        try Data("{\"step\": 0}\n".utf8).write(to: URL(fileURLWithPath: dir + "/log.jsonl"))
        cli.expectOneLineError(try cli.swiftgan(["doctor", dir]), naming: "no records")
        try PlantedRuns.write(.healthy, to: dir + "/run")
        try Data("{\"loss\": \"bogus\"}".utf8).write(to: URL(fileURLWithPath: dir + "/run/config.json"))
        cli.expectOneLineError(try cli.swiftgan(["doctor", dir + "/run"]), naming: "config.json", "bogus")
    }
}
