import ArgumentParser
import Foundation
import SwiftGAN

struct Train: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            abstract: "Train a GAN and write a run directory.",
            usage: """
            swiftgan train [--config FILE] [SETTINGS...] --out RUN [--overwrite]
              swiftgan train --resume RUN [--steps N] [SETTINGS...]
            """,
            discussion: """
            Settings come from the defaults (a model's own, listed under its settings below, replace the global ones), then a JSON or YAML file (--config run.json or run.yaml, with any of the [JSON keys] listed under SETTINGS, the same keys in both), then the flags; the run directory keeps the resolved whole as config.json.

            --resume RUN continues a stopped run from its newest checkpoint with its saved settings, bitwise as if it had never stopped; settings given with it change the saved ones (--steps N extends the run; the model cannot change). Each checkpoint lists its files' sizes and CRC-32s; a damaged one is passed over, with a warning, for the one before. SIGINT (Ctrl-C) or SIGTERM stop after the current step with a checkpoint (exit status 130 or 143); a second signal quits at once.

            A new run needs --out: it refuses a directory that holds other files, and an earlier run unless --overwrite is given (which removes only that run's files).

            SETTINGS (flag, JSON key, default):
            \(TrainingConfig.helpText(for: TrainingConfig.fields, defaults: TrainingConfig()))

            DATASETS (--dataset):
              mnist, fashion-mnist   IDX files (--data-dir: where they are)
              edges2fashion          paired: Fashion-MNIST edge maps → images, 32×32
                                     (--model pix2pix)
              mnist-thin2thick       unpaired: MNIST digits ↔ the same dilated 3×3, 32×32
                                     (--model cyclegan)
              folder                 your images (--data-dir DIR, detected when DIR holds
                                     images): DIR/<class>/*.png|jpg (labeled), DIR/*.png
                                     (unlabeled), DIR/A + DIR/B (paired, same names),
                                     DIR/train/*.png with A|B side by side (paired),
                                     DIR/trainA + DIR/trainB (unpaired); a test/ split
                                     (test/, testA/, testB/) is used for evaluation
              ring8, grid25          2-D points (--model toy)
              ring8-grid25           unpaired 2-D points (--model toy-cycle)

            MODELS (--model):
            \(ModelRegistry.help)

            PRESETS (--preset):
            \(TrainingPreset.help)
            \(familyOptionsHelp)
            """)
    }

    static var familyOptionsHelp: String {
        ModelRegistry.families.filter { !$0.options.isEmpty || !$0.defaults.isEmpty }.map { family in
            let config = (try? TrainingConfig.defaults(for: family.name)) ?? TrainingConfig()
            let lines = [TrainingConfig.familyDefaultsHelp(family), TrainingConfig.helpText(for: family.options, defaults: config)]
            return "\nSETTINGS OF --model \(family.name):\n" + lines.compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: "\n")
        }.joined()
    }

    @Option(help: "A JSON or YAML (.yaml, .yml) configuration file (any subset of the settings below).")
    var config: String?
    @Option(help: "Continue the run in this directory from its newest checkpoint.")
    var resume: String?
    @Option(help: "The run directory of a new run.")
    var out: String?
    @Flag(help: "Replace the earlier run in --out.")
    var overwrite = false
    @Argument(parsing: .allUnrecognized, help: .hidden)
    var settings: [String] = []

    func validate() throws {
        switch (resume, out) {
        case (nil, nil): throw ValidationErrorLine(message: "give --out RUN for a new run, or --resume RUN")
        case (.some, .some): throw ValidationErrorLine(message: "--resume continues the run in its own directory; drop --out")
        default: break
        }
        if resume != nil && config != nil {
            throw ValidationErrorLine(message: "--config starts a new run; --resume uses the run's saved config.json (give changed settings as flags)")
        }
        if resume != nil && overwrite { throw ValidationErrorLine(message: "--overwrite starts a new run; it cannot be combined with --resume") }
    }

    func run() throws {
        var stopSignal: Int32?
        var group: DataParallel?
        let summary = try reportingErrors { () throws -> TrainingRun.Summary in
            group = try DataParallel.startIfLaunched()
            do { return try train(stopSignal: &stopSignal) } catch {
                // The other ranks would wait for this one forever: print the reason, stop them all.
                if let group {
                    FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
                    group.abortAll()
                }
                throw error
            }
        }
        defer { group?.finish() }
        guard (group?.rank ?? 0) == 0 else { return }  // rank 0 reports for the group
        if summary.stopped {
            let signal = stopSignal ?? SIGINT
            print("stopped by \(StopSignals.name(signal)) at step \(summary.steps); checkpoint written")
            print("continue with: swiftgan train --resume \(summary.directory)")
            throw ExitCode(128 + signal)
        }
        print(String(format: "trained to step %d in %.1f s; final D loss %.4f, G loss %.4f",
                     summary.steps, summary.seconds, summary.finalLossD, summary.finalLossG))
        if let toy = summary.toyEvaluation {
            print(String(format: "modes covered: %d of %d; high-quality samples: %.1f%%", toy.modesCovered, toy.modeCount,
                         100 * toy.highQualityFraction))
        }
        if !summary.alarms.isEmpty { print("alarms: \(summary.alarms.count) (see log.jsonl and report.html)") }
        print("run directory: \(summary.directory)")
        print("samples:       \(summary.samplePath)")
        print("loss curve:    \(summary.directory)/loss_curve.svg")
        print("report:        \(summary.directory)/report.html")
    }

    private func train(stopSignal: inout Int32?) throws -> TrainingRun.Summary {
        let run: TrainingRun
        if let resume {
            run = try TrainingRun(resuming: resume) { try $0.apply(arguments: settings) }
        } else {
            let resolved = try TrainingConfig.resolve(file: config, arguments: settings)
            try EvaluatorMonitor.check(resolved)
            run = try TrainingRun(config: resolved, directory: out!, overwrite: overwrite)
        }
        if run.config.evalEvery > 0 && run.writes { run.monitor = try EvaluatorMonitor(config: run.config, data: run.data) }
        let signals = StopSignals.install()
        let summary = try run.run(stoppingWhen: { signals.received != nil })
        stopSignal = signals.received
        return summary
    }
}
