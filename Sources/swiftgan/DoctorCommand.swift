import ArgumentParser
import Foundation
import SwiftGAN

struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Diagnose a training run from its log: what went wrong, the evidence, the remedies.",
        discussion: """
        Reads RUN/log.jsonl (and the loss from RUN/config.json) and applies the classic GAN \
        debugging table: NaN (numerical failure); D's loss falling toward 0 while G's grows (the \
        discriminator is too strong); the samples' diversity falling by half while D's loss sits \
        near its equilibrium (mode collapse) or to a tenth of its peak (collapse); both losses \
        swinging wildly (instability); G's gradient norm vanishing or G's loss stuck high \
        (vanishing gradients). D's equilibrium depends on the loss (2·log 2 for the BCE losses, \
        whose D loss sums two terms; hinge and Wasserstein losses have none). The exit status is \
        0 when nothing was found and 2 when something was.
        """)

    @Argument(help: ArgumentHelp("A run directory (swiftgan train --out).", valueName: "run"))
    var directory: String
    @Flag(help: "Print the findings as JSON.")
    var json = false

    func run() throws {
        let (loss, records, findings) = try reportingErrors { try RunDoctor.examine(run: directory) }
        let steps = "\(records.count) records, steps \(records.first!.step)–\(records.last!.step), loss \(loss.rawValue)"
        if json {
            let objects = findings.map { f -> [String: Any] in
                ["condition": f.condition.rawValue, "title": f.condition.title, "evidence": f.evidence, "remedies": f.remedies]
            }
            let data = try JSONSerialization.data(withJSONObject: ["run": directory, "records": records.count, "findings": objects],
                                                  options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else if findings.isEmpty && records.count < RunDoctor.minimumRecords {
            print("\(directory): \(records.count == 1 ? "1 loss record is" : "\(records.count) loss records are") too few to judge (\(RunDoctor.minimumRecords) needed: log more often with --log-every, or train longer)")
        } else if findings.isEmpty {
            print("\(directory): no problems found (\(steps))")
        } else {
            print("\(directory) (\(steps)):")
            for finding in findings {
                print("\n\(finding.condition.title) [\(finding.condition.rawValue)]")
                for line in finding.evidence { print("  \(line)") }
                for remedy in finding.remedies { print("  try: \(remedy)") }
            }
        }
        if !findings.isEmpty { throw ExitCode(2) }
    }
}
