import ArgumentParser
import Foundation
import SwiftGAN

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Time training steps (one D step + one G step, random data) as the PyTorch peer benchmark does.")

    @Option(help: "The model.")
    var model: GANModelKind = .mlp
    @Option(help: "Batch size.")
    var batch: Int = 64
    @Option(help: "Timed windows; the median counts.")
    var windows: Int = 5
    @Option(help: "Seconds per window.")
    var seconds: Double = 2
    @Flag(help: "Print one JSON line.")
    var json = false

    func run() throws {
        let result = TrainingBenchmark.run(model: model, batchSize: batch, windows: windows, windowSeconds: seconds)
        if json {
            let windowsText = result.windows.map { String(format: "%.3f", $0) }.joined(separator: ", ")
            print("{\"model\": \"\(result.model)\", \"batch\": \(batch), \"ms_per_step\": \(String(format: "%.3f", result.msPerStep)), \"windows_ms\": [\(windowsText)]}")
        } else {
            print(String(format: "%@: %.3f ms per training step (batch %d, median of %d windows)",
                         result.model, result.msPerStep, batch, windows))
        }
    }
}
