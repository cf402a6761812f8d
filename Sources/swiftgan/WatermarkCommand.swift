import ArgumentParser
import Foundation
import SwiftGAN

struct WatermarkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watermark", abstract: "The invisible watermark of sample and serve.", subcommands: [WatermarkEvaluate.self])
}

struct WatermarkEvaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Measure the watermark on a dataset's real test images: false positives, and survival of JPEG and crops.",
        discussion: """
        Clean images give the false-positive rate; marked copies are detected as written, after JPEG \
        re-encoding at quality 90, after cropping (2 px from each side of a single image, 8 px of a \
        4×4 grid), and after both. Single images and 4×4 grids of them are checked separately.
        """)

    @Option(help: "The key to mark and detect with.")
    var key = "swiftgan-evaluation"
    @OptionGroup var data: ImageDatasetOptions
    @Option(parsing: .unconditional, help: "Test images to use (default: all).")
    var n: Int?
    @Flag(help: "Print JSON lines.")
    var json = false

    func validate() throws {
        if let n, n < 16 { throw ValidationErrorLine(message: "--n must be at least 16 (one 4×4 grid)") }
        if key.isEmpty { throw ValidationErrorLine(message: "--key must not be empty") }
    }

    func run() throws {
        let rows = try reportingErrors { () throws -> [WatermarkRobustness.Row] in
            var test = try ImageDataset.load(data.dataset, split: .test, directory: data.dataDir)
            if let n { test = test.prefix(n) }
            return try WatermarkRobustness.evaluate(test.images, watermark: Watermark(key: key))
        }
        if !json {
            print(String(format: "watermark on %@ test images (threshold %.1f; false-positive bound for any unmarked image %.1e)",
                         data.dataset.rawValue, Watermark.threshold, Watermark.falsePositiveBound))
        }
        for row in rows {
            if json {
                let object: [String: Any] = ["dataset": data.dataset.rawValue, "condition": row.condition, "images": row.images,
                                             "detected": row.detected, "rate": row.rate, "median_score": row.medianScore]
                print(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self))
            } else {
                let condition = row.condition.padding(toLength: 52, withPad: " ", startingAt: 0)
                print(condition + String(format: " %6d images  detected %6.2f%%  median score %6.2f", row.images, 100 * row.rate, row.medianScore))
            }
        }
    }
}
