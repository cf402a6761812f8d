import ArgumentParser
import Foundation
import SwiftGAN

struct Practice: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "practice",
        abstract: "Run the classic GAN experiments on MNIST and write a report with each claim's verdict.",
        discussion: """
        EXPERIMENTS: 1 the minimal GAN's losses; 2 the saturating loss's vanishing gradient; 3 spectral norm across seeds; 4 D's learning rate at 1/10 of G's; 5 WGAN-GP; 6 precision and recall against the training data; vae the GAN-or-VAE decision table; all of them.

        Budgets: quick (the MLP GAN, a few epochs: all in under 30 minutes on 2 cores), full (10 epochs of the minimal GAN, the DCGAN for 3-5 and beside the VAE), tiny (a minute, to try the pipeline; its numbers mean nothing). Runs are kept in OUT/runs and reused: run one experiment after another, or again after a stop, and finished runs are not trained twice. The report is OUT/report.html.
        """)

    @Argument(help: "all, 1, 2, 3, 4, 5, 6 or vae.")
    var experiment = "all"
    @Option(help: "The lab's directory (runs and report.html).")
    var out: String
    @Option(help: "Seeds per setting (1-10).")
    var seeds = 3
    @Option(help: "quick, full or tiny.")
    var budget = "quick"
    @Option(name: .customLong("data-dir"), help: "Where MNIST's IDX files are (default: where --dataset mnist finds them).")
    var dataDirectory: String?

    func run() throws {
        try reportingErrors {
            let experiments = try PracticeExperiment.selection(experiment)
            let lab = try PracticeLab(directory: out, budget: try PracticeBudget.named(budget), seeds: seeds, dataDirectory: dataDirectory)
            lab.progress = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
            let results = lab.run(experiments) { result in
                print(result.line)
                fflush(stdout)  // each line as its experiment ends, also into a pipe or file
            }
            let report = try lab.writeReport(command: "swiftgan practice \(experiment) --out \(out) --seeds \(seeds) --budget \(budget)")
            print("report: \(report)")
            let failed = results.filter { $0.failure != nil }.map(\.id)
            if !failed.isEmpty { throw PracticeError("experiment \(failed.joined(separator: ", ")) failed (see above); the report holds the others") }
        }
    }
}
