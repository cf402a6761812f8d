import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

/// `swiftgan practice` end to end on MNIST with the tiny budget: every experiment prints its
/// line with a verdict, the runs are reused by a second call, the report opens in headless
/// Chromium with every image decoded and no console message, and bad input is one line.
@Suite(.serialized) struct PracticeCommandTests {
    let cli = CLITests()
    static let experiments = ["1", "2", "3", "4", "5", "6", "vae"]

    @Test func theWholeLabRunsAndItsReportOpensInABrowser() throws {
        let out = try Fixtures.temporaryDirectory() + "/lab"
        let lab = try cli.swiftgan(["practice", "all", "--budget", "tiny", "--seeds", "1", "--out", out], directory: Fixtures.repositoryRoot)
        #expect(lab.status == 0, "\(lab.error)")
        let lines = lab.output.split(separator: "\n")
        for id in Self.experiments {
            let line = lines.first { $0.hasPrefix("[\(id)] ") }
            let verdicts = ["agrees with", "does not agree with", "cannot judge"].map { $0 + " the textbook claim:" }
            #expect(line.map { text in verdicts.contains { text.contains($0) } } == true,
                    "experiment \(id): \(line ?? "no line")")
        }
        // One seed cannot show agreement across seeds.
        #expect(lines.first { $0.hasPrefix("[3] ") }?.contains("cannot judge the textbook claim") == true)
        #expect(lines.first { $0.hasPrefix("[2] ") }?.contains("vanishing-gradient ratio") == true)
        #expect(lines.first { $0.hasPrefix("[2] ") }?.contains("G's mean gradient norm over the first 40 steps is") == true)
        #expect(lines.first { $0.hasPrefix("[vae] ") }?.contains("VAE negative ELBO") == true)
        #expect(lab.output.contains("report: \(out)/report.html"))
        // Every experiment's runs are kept: a second call trains nothing.
        let again = try cli.swiftgan(["practice", "3", "--budget", "tiny", "--seeds", "1", "--out", out], directory: Fixtures.repositoryRoot)
        #expect(again.status == 0 && again.output.hasPrefix("[3] "), "\(again.error)")
        #expect(again.error.contains("compare-plain-s0: reused") && again.error.contains("compare-sn-s0: reused") && !again.error.contains("steps\n"),
                "\(again.error)")
        // The report shows every experiment run in the directory, not just the last call's.
        let html = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        for id in Self.experiments { #expect(html.contains("<section id=\"exp-\(id)\">"), "section \(id)") }
        #expect(html.contains("<svg") && html.contains("The decision table, measured"))

        guard HeadlessChromium.path != nil else {
            print("skipped the headless-browser check of the report: Debian's chromium is not installed (make test's bootstrap installs it)")
            return
        }
        let url = "file://" + out + "/report.html"
        let dom = try HeadlessChromium.run(["--dump-dom", url], profile: out + "/profile")
        let screenshot = out + "/report.png"
        let shot = try HeadlessChromium.run(["--window-size=1200,1600", "--screenshot=" + screenshot, url], profile: out + "/profile")
        #expect(dom.status == 0 && shot.status == 0, "\(dom.error)\(shot.error)")
        // Sample grids: experiment 1's, 4's two, 5's, and the decision table's two.
        let images = html.components(separatedBy: "<img src=\"data:image/png;base64,").count - 1
        #expect(images == 6)
        #expect(dom.output.contains("data-images-loaded=\"\(images)/\(images)\""), "not every image decoded")
        let console = HeadlessChromium.consoleMessages(dom, shot)
        #expect(console.isEmpty, "console messages: \(console)")
        #expect(try HeadlessChromium.tonedShare(ofScreenshot: screenshot) > 0.02, "the screenshot is blank")
    }

    /// A lab stopped mid-way continues: a run whose status was lost but whose last checkpoint is
    /// its last step counts as finished, and a run that lost its last checkpoint resumes from the
    /// one before, ending with the same weights. Standard output holds only the lines.
    @Test func anInterruptedLabContinuesWhereItStopped() throws {
        let out = try Fixtures.temporaryDirectory() + "/lab"
        let arguments = ["practice", "1", "--budget", "tiny", "--seeds", "2", "--out", out]
        let first = try cli.swiftgan(arguments, directory: Fixtures.repositoryRoot)
        #expect(first.status == 0, "\(first.error)")
        #expect(first.output.split(separator: "\n").map { $0.prefix(4) } == ["[1] ", "repo"], "\(first.output)")
        #expect(first.error.contains("step 60/60"), "the step counter goes to standard error")
        let runs = out + "/runs/"
        let weights = try Safetensors.read(runs + "minimal-s1/generator.safetensors")
        try FileManager.default.removeItem(atPath: runs + "minimal-s0.status.json")
        try FileManager.default.removeItem(atPath: runs + "minimal-s1.status.json")
        try FileManager.default.removeItem(atPath: runs + "minimal-s1/checkpoints/step_000060")
        let again = try cli.swiftgan(arguments, directory: Fixtures.repositoryRoot)
        #expect(again.status == 0, "\(again.error)")
        #expect(again.error.contains("minimal-s0: finished earlier (its last checkpoint is step 60)"), "\(again.error)")
        #expect(again.error.contains("minimal-s1: resuming from step 45"), "\(again.error)")
        let resumed = try Safetensors.read(runs + "minimal-s1/generator.safetensors")
        for (name, tensor) in weights { #expect(resumed[name].map { relativeError($0, tensor) } == 0, "\(name)") }
        #expect(again.output == first.output, "the same runs give the same line")
    }

    /// A finished run whose networks this build no longer makes (an architecture change that no
    /// setting records, as when the DCGAN critic lost its batch norm) is trained again, not
    /// reused by its status file nor counted finished by its last checkpoint.
    @Test func aRunOfOtherNetworksIsTrainedAgain() throws {
        let out = try Fixtures.temporaryDirectory() + "/lab"
        let arguments = ["practice", "1", "--budget", "tiny", "--seeds", "1", "--out", out]
        let first = try cli.swiftgan(arguments, directory: Fixtures.repositoryRoot)
        #expect(first.status == 0, "\(first.error)")
        // What an older build would have left: a D with one more tensor, recorded as such.
        let runs = out + "/runs/"
        let status = runs + "minimal-s0.status.json"
        var object = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: status))) as? [String: Any])
        #expect((object["networks"] as? String)?.contains("discriminator.") == true, "\(object)")
        object["networks"] = (object["networks"] as! String) + ";discriminator.extra[4]"
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: status))
        let checkpoint = runs + "minimal-s0/checkpoints/step_000060/discriminator.safetensors"
        var d = try Safetensors.read(checkpoint)
        d["extra"] = Tensor.zeros([4])
        try Safetensors.write(d, to: checkpoint)
        let again = try cli.swiftgan(arguments, directory: Fixtures.repositoryRoot)
        #expect(again.status == 0, "\(again.error)")
        #expect(!again.error.contains("reused") && !again.error.contains("finished earlier") && again.error.contains("minimal-s0: mlp, 60 steps"),
                "\(again.error)")
        #expect(again.output == first.output, "the run trained again is the same run")
        // Its new status names today's networks, so a third call reuses it.
        let third = try cli.swiftgan(arguments, directory: Fixtures.repositoryRoot)
        #expect(third.error.contains("minimal-s0: reused"), "\(third.error)")
    }

    @Test func badInputIsOneLine() throws {
        let out = try Fixtures.temporaryDirectory() + "/lab"
        let refusals: [([String], String)] = [
            (["practice", "7", "--out", out], "unknown experiment '7'"),
            (["practice", "all", "--budget", "slow", "--out", out], "--budget: unknown budget 'slow'"),
            (["practice", "1", "--seeds", "0", "--out", out], "--seeds must be in 1...10"),
            (["practice", "1"], "--out"),
            (["practice", "1", "--out", out, "--data-dir", out + "/nowhere"], "nowhere"),
        ]
        for (arguments, message) in refusals {
            let result = try cli.swiftgan(arguments)
            #expect(result.status != 0, "\(arguments) succeeded")
            #expect(result.error.contains(message), "\(arguments): \(result.error)")
            #expect(result.error.split(separator: "\n").filter { !$0.hasPrefix("Usage") && !$0.hasPrefix("Help:") && !$0.hasPrefix(" ") && !$0.isEmpty }.count <= 1,
                    "\(arguments): \(result.error)")
        }
    }
}
