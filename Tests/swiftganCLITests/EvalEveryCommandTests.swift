import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

/// `swiftgan train --eval-every N`: FID, precision and recall by the shipped evaluator logged
/// every N steps and at the end, plotted in the run report, which opens with the last ones;
/// measuring leaves training bitwise as it was, a resumed run measures each step once, and
/// data without an evaluator is a one-line error.
@Suite(.serialized) struct EvalEveryCommandTests {
    let cli = CLITests()

    func evalRecords(_ run: String) throws -> [[String: Any]] {
        try String(contentsOfFile: run + "/log.jsonl", encoding: .utf8).split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }.filter { $0["eval"] != nil }
    }

    @Test func measuresDuringTrainingWithoutChangingIt() throws {
        let root = try Fixtures.temporaryDirectory()
        let base = ["train", "--model", "mlp", "--dataset", "mnist", "--data-dir", Fixtures.mnistDirectory, "--steps", "20", "--batch", "32",
                    "--log-every", "5", "--sample-every", "20", "--checkpoint-every", "10", "--seed", "4"]
        let measured = try cli.swiftgan(base + ["--eval-every", "10", "--eval-samples", "200", "--out", root + "/measured"])
        #expect(measured.status == 0, "train failed: \(measured.error)")
        #expect(measured.error.contains("step 10: FID") && measured.error.contains("mnist test images, 200 each"))
        let records = try evalRecords(root + "/measured")
        #expect(records.map { $0["step"] as! Int } == [10, 20])
        for record in records {
            let (fid, precision, recall) = (record["fid"] as! Double, record["precision"] as! Double, record["recall"] as! Double)
            #expect(fid > 0 && fid.isFinite && (0...1).contains(precision) && (0...1).contains(recall), "\(record)")
        }
        let report = try String(contentsOfFile: root + "/measured/report.html", encoding: .utf8)
        let firstRow = report.range(of: "<tr>").map { String(report[$0.lowerBound...].prefix(200)) } ?? ""
        #expect(firstRow.contains("measured at step 20") && firstRow.contains("FID"), "the report opens with the last figures: \(firstRow)")
        #expect(report.contains("Measured during training") && report.contains("FID during training"))

        let plain = try cli.swiftgan(base + ["--out", root + "/plain"])
        #expect(plain.status == 0)
        #expect(try AtomicFile.read(root + "/plain/generator.safetensors") == AtomicFile.read(root + "/measured/generator.safetensors"),
                "measuring must not change training")

        try FileManager.default.removeItem(atPath: root + "/measured/checkpoints/step_000020")
        let resumed = try cli.swiftgan(["train", "--resume", root + "/measured"])
        #expect(resumed.status == 0, "resume failed: \(resumed.error)")
        #expect(try evalRecords(root + "/measured").map { $0["step"] as! Int } == [10, 20], "each step measured once after resume")
        #expect(try AtomicFile.read(root + "/plain/generator.safetensors") == AtomicFile.read(root + "/measured/generator.safetensors"))
    }

    @Test func dataWithoutAnEvaluatorIsOneLine() throws {
        let data = try Fixtures.temporaryDirectory()
        try TinyDataset.write(to: data, count: 24)
        let root = try Fixtures.temporaryDirectory()
        let base = ["train", "--model", "dcgan", "--data-dir", data, "--steps", "2", "--batch", "4"]
        cli.expectOneLineError(try cli.swiftgan(base + ["--eval-every", "1", "--out", root + "/a"]), naming: "--eval-every")
        cli.expectOneLineError(try cli.swiftgan(["train", "--model", "toy", "--dataset", "ring8", "--steps", "2", "--eval-every", "1",
                                                 "--out", root + "/toy"]), naming: "--eval-every")
        #expect(!FileManager.default.fileExists(atPath: root + "/toy"), "refused before the run directory is made")
        cli.expectOneLineError(try cli.swiftgan(base + ["--eval-every", "-1", "--out", root + "/b"]), naming: "--eval-every")
        cli.expectOneLineError(try cli.swiftgan(base + ["--eval-every", "1", "--evaluator", root + "/missing.safetensors", "--out", root + "/c"]),
                               naming: "missing.safetensors")
    }
}
